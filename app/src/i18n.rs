//! Interface languages: English, Simplified Chinese and Russian.
//!
//! Messages live in `locales/app.yml` and, those the browser shows too, in
//! `locales/browser/app.yml` (rust-i18n, compiled in; the bundle carries only the latter). The language is chosen from
//! the `lang` cookie, else the browser's Accept-Language, else English; the server writes
//! it into `<html lang>` and the browser reads it back from there when hydrating, so both
//! render the same text.

use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Locale {
    #[default]
    En,
    ZhCn,
    Ru,
}

impl Locale {
    pub const ALL: [Locale; 3] = [Locale::En, Locale::ZhCn, Locale::Ru];

    pub fn code(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::ZhCn => "zh-CN",
            Locale::Ru => "ru",
        }
    }

    /// The language's own name, as shown in the switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::ZhCn => "简体中文",
            Locale::Ru => "Русский",
        }
    }

    pub fn from_code(code: &str) -> Option<Locale> {
        Locale::ALL
            .into_iter()
            .find(|l| l.code().eq_ignore_ascii_case(code))
    }

    /// Best match for an Accept-Language header, honouring q-values. Any Chinese variant
    /// maps to Simplified Chinese, the only Chinese we ship.
    pub fn from_accept_language(header: &str) -> Option<Locale> {
        let mut ranked: Vec<(f32, Locale)> = header
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.trim().split(';');
                let tag = pieces.next()?.trim().to_ascii_lowercase();
                let q = pieces
                    .find_map(|p| {
                        p.trim()
                            .strip_prefix("q=")
                            .and_then(|v| v.parse::<f32>().ok())
                    })
                    .unwrap_or(1.0);
                let primary = tag.split('-').next().unwrap_or("");
                let locale = match primary {
                    "en" => Locale::En,
                    "zh" => Locale::ZhCn,
                    "ru" => Locale::Ru,
                    _ => return None,
                };
                (q > 0.0).then_some((q, locale))
            })
            .collect();
        // Stable sort keeps header order among equal q-values.
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        ranked.first().map(|(_, l)| *l)
    }

    /// Cookie first, then the browser's preference, then English.
    pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>) -> Locale {
        cookie
            .and_then(Locale::from_code)
            .or_else(|| accept_language.and_then(Locale::from_accept_language))
            .unwrap_or_default()
    }
}

/// Translate a message key for a locale: `tr!(locale, "nav.home")`, with optional
/// `name = value` arguments for `%{name}` placeholders.
#[macro_export]
macro_rules! tr {
    ($locale:expr, $key:expr) => {
        rust_i18n::t!($key, locale = $locale.code()).to_string()
    };
    ($locale:expr, $key:expr, $($name:ident = $value:expr),+) => {
        rust_i18n::t!($key, locale = $locale.code(), $($name = $value),+).to_string()
    };
}

/// The message of a key made at run time (`setup.field.{name}`): `tr!` borrows its key
/// past the statement, which a `format!` temporary does not live for.
pub fn message(locale: Locale, key: &str) -> String {
    tr!(locale, key)
}

/// Which of a message's plural forms a count takes. A message that depends on a count holds
/// its forms separated by `|` in the language's CLDR order: English `one|other`, Russian
/// `one|few|many`, Chinese a single form. The three languages' rules are a few lines, so they
/// are written here rather than shipping a plural-rules crate and its data in the bundle.
pub fn plural_form(locale: Locale, count: u64) -> usize {
    match locale {
        Locale::En => usize::from(count != 1),
        Locale::ZhCn => 0,
        Locale::Ru => {
            let (last, last_two) = (count % 10, count % 100);
            if last == 1 && last_two != 11 {
                0
            } else if (2..=4).contains(&last) && !(12..=14).contains(&last_two) {
                1
            } else {
                2
            }
        }
    }
}

/// The form of a translated, `|`-separated message for `count` (the last form when the
/// message has fewer).
pub fn pick_plural(locale: Locale, text: &str, count: u64) -> String {
    let forms: Vec<&str> = text.split('|').collect();
    let at = plural_form(locale, count).min(forms.len().saturating_sub(1));
    forms.get(at).copied().unwrap_or_default().to_string()
}

/// Translate a message whose words depend on a number: `trn!(locale, "score.answers",
/// count = n)`, with further `name = value` arguments as for [`tr!`].
#[macro_export]
macro_rules! trn {
    ($locale:expr, $key:expr, count = $count:expr $(, $name:ident = $value:expr)*) => {{
        let count = $count;
        $crate::i18n::pick_plural(
            $locale,
            &rust_i18n::t!($key, locale = $locale.code(), count = count $(, $name = $value)*),
            u64::try_from(count).unwrap_or(u64::MAX),
        )
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_highest_supported_preference() {
        assert_eq!(
            Locale::from_accept_language("fr-FR, ru;q=0.8, en;q=0.5"),
            Some(Locale::Ru)
        );
        assert_eq!(
            Locale::from_accept_language("zh-TW,zh;q=0.9"),
            Some(Locale::ZhCn)
        );
        assert_eq!(
            Locale::from_accept_language("en;q=0.2, zh-CN;q=0.9"),
            Some(Locale::ZhCn)
        );
        assert_eq!(Locale::from_accept_language("de, fr"), None);
    }

    #[test]
    fn a_remembered_choice_beats_the_browser() {
        assert_eq!(Locale::negotiate(Some("ru"), Some("zh-CN")), Locale::Ru);
        assert_eq!(Locale::negotiate(Some("xx"), Some("zh-CN")), Locale::ZhCn);
        assert_eq!(Locale::negotiate(None, None), Locale::En);
    }

    /// Both catalogues: the server's and the browser's.
    const CATALOGUE: [&str; 2] = [
        include_str!("../locales/app.yml"),
        include_str!("../locales/browser/app.yml"),
    ];

    /// The message keys of a catalogue file, in order.
    fn keys_of(catalogue: &str) -> Vec<&str> {
        catalogue
            .lines()
            .filter(|l| !l.starts_with([' ', '_', '#']) && l.ends_with(':'))
            .map(|l| l.trim_end_matches(':'))
            .collect()
    }

    #[test]
    fn every_key_in_the_catalogue_has_english_chinese_and_russian() {
        let catalogue = CATALOGUE.concat();
        let lines: Vec<&str> = catalogue
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .collect();
        let mut keys = 0;
        for (i, line) in lines.iter().enumerate() {
            if line.starts_with(' ') || line.starts_with('_') {
                continue;
            }
            keys += 1;
            let langs: Vec<&str> = lines[i + 1..]
                .iter()
                .take_while(|l| l.starts_with(' '))
                .filter_map(|l| l.trim().split(':').next())
                .collect();
            assert_eq!(langs, ["en", "zh-CN", "ru"], "{line}");
        }
        assert!(keys > 50);
    }

    #[test]
    fn counts_take_each_languages_plural_form() {
        let forms = |locale, counts: &[u64]| {
            counts
                .iter()
                .map(|&n| trn!(locale, "score.answers", count = n))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            forms(Locale::En, &[0, 1, 2, 11, 21]),
            [
                "0 answers",
                "1 answer",
                "2 answers",
                "11 answers",
                "21 answers"
            ]
        );
        assert_eq!(
            forms(Locale::Ru, &[1, 2, 5, 11, 12, 21, 22, 25, 101, 111, 0]),
            [
                "1 ответ",
                "2 ответа",
                "5 ответов",
                "11 ответов",
                "12 ответов",
                "21 ответ",
                "22 ответа",
                "25 ответов",
                "101 ответ",
                "111 ответов",
                "0 ответов"
            ]
        );
        assert_eq!(forms(Locale::ZhCn, &[1, 2]), ["1 份回答", "2 份回答"]);
        assert_eq!(
            trn!(Locale::En, "shopper.form.missing", count = 1usize),
            "1 item still needs an answer:"
        );
    }

    #[test]
    fn plural_messages_have_every_form_of_their_language() {
        // key -> (language, text) as the catalogue lists them.
        let catalogue = CATALOGUE.concat();
        let mut messages: Vec<(&str, Vec<(&str, &str)>)> = Vec::new();
        for line in catalogue.lines().filter(|l| !l.starts_with('#')) {
            if !line.starts_with(' ') && line.ends_with(':') {
                messages.push((line, Vec::new()));
            } else if let (Some((_, langs)), Some((lang, text))) =
                (messages.last_mut(), line.trim().split_once(": "))
            {
                langs.push((lang, text));
            }
        }
        let plural: Vec<_> = messages
            .iter()
            .filter(|(_, langs)| langs.iter().any(|(l, t)| *l == "en" && t.contains('|')))
            .collect();
        for (key, langs) in &plural {
            for (lang, text) in langs {
                let wanted = match *lang {
                    "en" => 2,
                    "ru" => 3,
                    _ => 1,
                };
                assert_eq!(text.split('|').count(), wanted, "{key} {lang}: {text}");
            }
        }
        assert!(plural.len() >= 9, "{} plural messages", plural.len());
    }

    /// The browser's catalogue holds every message the code the browser runs names: the
    /// shopper app, the header and the app frame. A key left in the server's file would show
    /// as its bare name on the phone. (Each key is in one file only.)
    #[test]
    fn the_browser_catalogue_has_every_message_the_browser_shows() {
        let server = keys_of(CATALOGUE[0]);
        let browser = keys_of(CATALOGUE[1]);
        for key in &browser {
            assert!(!server.contains(key), "{key} is in both catalogues");
        }
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui");
        let mut files = vec![dir.join("mod.rs"), dir.join("layout.rs")];
        for entry in std::fs::read_dir(dir.join("shopper")).expect("ui/shopper") {
            files.push(entry.expect("a file").path());
        }
        let mut named = 0;
        for file in files {
            let code = std::fs::read_to_string(&file).expect("source");
            // Every string literal that is a message key (keys are also picked from tables).
            for literal in code.split('"').skip(1).step_by(2) {
                if server.contains(&literal) {
                    panic!(
                        "{} shows {literal}, which only the server knows",
                        file.display()
                    );
                }
                named += usize::from(browser.contains(&literal));
            }
        }
        assert!(named > 60, "{named} keys named");
        // Named by pattern (`state_label`): the whole `shopper.` family is the browser's.
        assert!(server.iter().all(|k| !k.starts_with("shopper.")));
    }

    #[test]
    fn messages_are_looked_up_per_locale() {
        for key in [
            "nav.home",
            "home.title",
            "signin.error.invalid",
            "dim.empathy.hint",
            "tokens.created",
        ] {
            let en = tr!(Locale::En, key);
            let zh = tr!(Locale::ZhCn, key);
            let ru = tr!(Locale::Ru, key);
            assert_ne!(en, key, "{key} missing");
            assert_ne!(zh, en, "{key} not translated to Chinese");
            assert_ne!(ru, en, "{key} not translated to Russian");
        }
        assert_eq!(
            tr!(Locale::Ru, "stores.count", count = 3, total = 12),
            "3 из 12 магазинов"
        );
    }
}
