//! Interface languages: English, Simplified Chinese and Russian.
//!
//! Messages live in `locales/app.yml` (rust-i18n, compiled in). The language is chosen from
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

    #[test]
    fn every_key_in_the_catalogue_has_english_chinese_and_russian() {
        let catalogue = include_str!("../locales/app.yml");
        let lines: Vec<&str> = catalogue.lines().filter(|l| !l.trim().is_empty()).collect();
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
