//! Complaint cases: their statuses, the events that move them, the priority the major-
//! complaint markers give them, and when a missed deadline escalates them. Pure: the server
//! applies these rules to stored cases at the time it is given, so tests move the clock.
//!
//! The practice behind it (see `shared/domain.md`): one owner per case, tracked to the end;
//! a missed deadline goes to the next manager up (the region's, then the chain's admins);
//! a follow-up contact after closing, because a customer who stays silent is not a
//! satisfied one.

use serde::{Deserialize, Serialize};

/// Where a case stands. Resolved and closed cases have no deadline.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    New,
    Acknowledged,
    InProgress,
    Resolved,
    Closed,
    Reopened,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 6] = [
        CaseStatus::New,
        CaseStatus::Acknowledged,
        CaseStatus::InProgress,
        CaseStatus::Resolved,
        CaseStatus::Closed,
        CaseStatus::Reopened,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::New => "new",
            CaseStatus::Acknowledged => "acknowledged",
            CaseStatus::InProgress => "in_progress",
            CaseStatus::Resolved => "resolved",
            CaseStatus::Closed => "closed",
            CaseStatus::Reopened => "reopened",
        }
    }

    pub fn parse(s: &str) -> Option<CaseStatus> {
        CaseStatus::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Someone still has to act: the case has deadlines and can escalate.
    pub fn is_open(self) -> bool {
        !matches!(self, CaseStatus::Resolved | CaseStatus::Closed)
    }

    /// Nobody has said they are on it yet: the acknowledge deadline runs.
    pub fn awaits_acknowledgement(self) -> bool {
        matches!(self, CaseStatus::New | CaseStatus::Reopened)
    }
}

/// How fast a case must be handled; the deadlines are per priority.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Normal,
    High,
    Urgent,
}

impl Priority {
    pub const ALL: [Priority; 3] = [Priority::Normal, Priority::High, Priority::Urgent];

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }

    pub fn parse(s: &str) -> Option<Priority> {
        Priority::ALL.into_iter().find(|p| p.as_str() == s)
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// The signs of a serious complaint that raise a case's priority.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Marker {
    /// An important customer, as the person recording it says.
    Vip,
    /// The same contact complained within the repeat window.
    Repeat,
    /// Strong emotion in the words used.
    Emotion,
    /// Compensation claimed above the chain's amount.
    Claim,
    /// Passed between owners twice or more.
    Bounced,
    /// A threat to go to the media or a regulator.
    Threat,
}

impl Marker {
    pub const ALL: [Marker; 6] = [
        Marker::Vip,
        Marker::Repeat,
        Marker::Emotion,
        Marker::Claim,
        Marker::Bounced,
        Marker::Threat,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Marker::Vip => "vip",
            Marker::Repeat => "repeat",
            Marker::Emotion => "emotion",
            Marker::Claim => "claim",
            Marker::Bounced => "bounced",
            Marker::Threat => "threat",
        }
    }

    pub fn parse(s: &str) -> Option<Marker> {
        Marker::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// As stored: space-separated names, in a fixed order.
    pub fn join(markers: &[Marker]) -> String {
        let mut sorted = markers.to_vec();
        sorted.sort();
        sorted.dedup();
        sorted
            .iter()
            .map(|m| m.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub fn split(stored: &str) -> Vec<Marker> {
        stored
            .split_whitespace()
            .filter_map(Marker::parse)
            .collect()
    }
}

/// No marker: normal. One: high. A threat to go public, or two markers at once: urgent.
pub fn priority(markers: &[Marker]) -> Priority {
    let mut distinct = markers.to_vec();
    distinct.sort();
    distinct.dedup();
    if distinct.contains(&Marker::Threat) || distinct.len() >= 2 {
        Priority::Urgent
    } else if distinct.is_empty() {
        Priority::Normal
    } else {
        Priority::High
    }
}

/// The word lists that mark strong emotion and threats, in any of the three languages
/// (editable in the organisation settings as comma-separated words).
#[derive(Clone, Debug, PartialEq)]
pub struct Keywords {
    pub emotion: Vec<String>,
    pub threat: Vec<String>,
}

/// The built-in lists. Russian words are stems, matched at the start of a word, so every
/// ending matches.
pub const DEFAULT_EMOTION_WORDS: &str = "furious, angry, outrageous, disgusting, unacceptable, \
    worst, never again, 愤怒, 气愤, 恶心, 太差, 无法接受, 再也不, возмут, ужасн, отвратит, \
    безобраз, больше никогда";
pub const DEFAULT_THREAT_WORDS: &str = "media, newspaper, journalist, lawyer, court, sue, \
    regulator, consumer protection, 媒体, 记者, 曝光, 律师, 法院, 起诉, 消协, 12315, сми, \
    журналист, юрист, адвокат, суд, роспотребнадзор, прокуратур";

/// A comma-separated list as words (trimmed, lower case, empty ones dropped).
pub fn word_list(text: &str) -> Vec<String> {
    text.split([',', '，', ';', '\n'])
        .map(|w| w.trim().to_lowercase())
        .filter(|w| !w.is_empty())
        .collect()
}

impl Keywords {
    pub fn from_lists(emotion: &str, threat: &str) -> Keywords {
        Keywords {
            emotion: word_list(emotion),
            threat: word_list(threat),
        }
    }
}

/// Chinese and Japanese are written without spaces: a word there matches anywhere.
fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF)
}

/// Whether `word` (lower case) starts a word of `text` (lower case): "sue" in "we will sue"
/// and "sued", never in "issue"; a Chinese word anywhere.
fn has_word(text: &str, word: &str) -> bool {
    if word.chars().any(is_cjk) {
        return text.contains(word);
    }
    text.match_indices(word).any(|(at, _)| {
        text[..at]
            .chars()
            .next_back()
            .is_none_or(|before| !before.is_alphanumeric() || is_cjk(before))
    })
}

/// The markers the words of a complaint carry.
pub fn text_markers(text: &str, keywords: &Keywords) -> Vec<Marker> {
    let text = text.to_lowercase();
    let mut found = Vec::new();
    if keywords.emotion.iter().any(|w| has_word(&text, w)) {
        found.push(Marker::Emotion);
    }
    if keywords.threat.iter().any(|w| has_word(&text, w)) {
        found.push(Marker::Threat);
    }
    found
}

/// What the person recording a case, and the server, know about it when it opens.
#[derive(Clone, Debug, Default)]
pub struct Intake<'a> {
    pub text: &'a str,
    pub vip: bool,
    /// The same contact opened a case within the repeat window.
    pub repeat: bool,
    pub claim_amount: Option<f64>,
    /// 0: claims never mark a case.
    pub claim_threshold: f64,
}

/// The markers of a case as it opens (bounced comes later, with reassignments).
pub fn intake_markers(intake: &Intake<'_>, keywords: &Keywords) -> Vec<Marker> {
    let mut markers = text_markers(intake.text, keywords);
    if intake.vip {
        markers.push(Marker::Vip);
    }
    if intake.repeat {
        markers.push(Marker::Repeat);
    }
    if intake.claim_threshold > 0.0
        && intake
            .claim_amount
            .is_some_and(|a| a > intake.claim_threshold)
    {
        markers.push(Marker::Claim);
    }
    markers.sort();
    markers.dedup();
    markers
}

/// Two reassignments or more: the case is being passed around.
pub const BOUNCED_AFTER: i64 = 2;

/// What is done to a case. `Escalate` is the server's own, when a deadline passes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Acknowledge,
    Note,
    Reassign,
    Resolve,
    Close,
    Reopen,
    FollowUp,
}

impl Action {
    pub const ALL: [Action; 7] = [
        Action::Acknowledge,
        Action::Note,
        Action::Reassign,
        Action::Resolve,
        Action::Close,
        Action::Reopen,
        Action::FollowUp,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Acknowledge => "acknowledge",
            Action::Note => "note",
            Action::Reassign => "reassign",
            Action::Resolve => "resolve",
            Action::Close => "close",
            Action::Reopen => "reopen",
            Action::FollowUp => "follow_up",
        }
    }

    pub fn parse(s: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// The status after this action, or None when it cannot be done from `from`.
    /// A note on an acknowledged case means work has started; resolving may skip the
    /// acknowledgement (whoever resolves has seen it); a follow-up is recorded on a closed
    /// case and leaves it closed.
    pub fn target(self, from: CaseStatus) -> Option<CaseStatus> {
        use CaseStatus::*;
        match (self, from) {
            (Action::Acknowledge, New | Reopened) => Some(Acknowledged),
            (Action::Note, Acknowledged) => Some(InProgress),
            (Action::Note, New | InProgress | Reopened | Resolved) => Some(from),
            (Action::Reassign, s) if s.is_open() => Some(s),
            (Action::Resolve, s) if s.is_open() => Some(Resolved),
            (Action::Close, Resolved) => Some(Closed),
            (Action::Reopen, Resolved | Closed) => Some(Reopened),
            (Action::FollowUp, Closed) => Some(Closed),
            _ => None,
        }
    }
}

/// The hours a case has to be acknowledged and resolved, per priority (normal, high, urgent).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deadlines {
    pub acknowledge_hours: [u32; 3],
    pub resolve_hours: [u32; 3],
}

impl Default for Deadlines {
    fn default() -> Self {
        Deadlines {
            acknowledge_hours: [24, 8, 2],
            resolve_hours: [72, 48, 24],
        }
    }
}

/// The highest escalation: the chain's admins.
pub const TOP_LEVEL: u8 = 2;

/// What the deadlines of a case depend on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clock {
    pub status: CaseStatus,
    pub priority: Priority,
    /// When the current deadlines started (epoch ms): opened, or reopened.
    pub from_ms: i64,
    /// 0 none, 1 the regional manager, 2 the admins.
    pub level: u8,
}

const HOUR_MS: i64 = 3_600_000;

impl Clock {
    /// The time allowed for the step now due (acknowledging, else resolving), in ms.
    fn span_ms(&self, d: &Deadlines) -> i64 {
        let hours = if self.status.awaits_acknowledgement() {
            d.acknowledge_hours[self.priority.index()]
        } else {
            d.resolve_hours[self.priority.index()]
        };
        i64::from(hours.max(1)) * HOUR_MS
    }

    /// When the step now due must be done by; None for a resolved or closed case.
    pub fn due_at(&self, d: &Deadlines) -> Option<i64> {
        self.status
            .is_open()
            .then(|| self.from_ms + self.span_ms(d))
    }

    pub fn overdue(&self, d: &Deadlines, now_ms: i64) -> bool {
        self.due_at(d).is_some_and(|due| now_ms >= due)
    }

    /// The next escalation: when, and to which level. The first comes when the step due is
    /// missed (to the region), the second at twice its time (to the admins); none after the
    /// top, and none for a resolved or closed case.
    pub fn next_escalation(&self, d: &Deadlines) -> Option<(i64, u8)> {
        if !self.status.is_open() || self.level >= TOP_LEVEL {
            return None;
        }
        let level = self.level + 1;
        Some((self.from_ms + self.span_ms(d) * i64::from(level), level))
    }
}

/// The longest text a case keeps in one field.
pub const MAX_TEXT: usize = 4000;

/// Satisfaction with the handling, asked at the follow-up: 1 (very unhappy) to 5.
pub const SATISFACTION: std::ops::RangeInclusive<u8> = 1..=5;

/// What a case is about: the seeds' usual complaints, and the chain's own words beside them.
pub const CATEGORIES: [&str; 8] = [
    "product_quality",
    "staff_attitude",
    "waiting_time",
    "price_billing",
    "returns_refunds",
    "cleanliness",
    "availability",
    "other",
];

/// Why it happened: the seeds' causes of a quality defect.
pub const ROOT_CAUSES: [&str; 7] = [
    "product_defect",
    "service_failure",
    "process_or_policy",
    "communication",
    "expectation_mismatch",
    "customer_misuse",
    "other",
];

/// How the complaint reached the store.
pub const VIAS: [&str; 7] = [
    "in_store", "phone", "email", "social", "survey", "visit", "api",
];

/// A category is one of the list, or the chain's own word (letters, digits, `_`, `-`, 2-40).
pub fn valid_label(s: &str) -> bool {
    let n = s.chars().count();
    (2..=40).contains(&n)
        && s.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == ' ')
        && !s.starts_with(' ')
}

/// Hide what identifies a person in a text managers read: e-mail addresses, and runs of 7 or
/// more digits (phone and card numbers, written with spaces, dashes, dots or brackets).
/// The original contact is kept apart, for the people who call back.
pub fn mask_contacts(text: &str) -> String {
    let masked: Vec<String> = text
        .split(' ')
        .map(|word| {
            let at = word.find('@');
            let is_email =
                at.is_some_and(|i| i > 0 && word[i + 1..].contains('.') && !word.ends_with('@'));
            if is_email {
                "[email]".to_string()
            } else {
                word.to_string()
            }
        })
        .collect();
    mask_digit_runs(&masked.join(" "))
}

fn mask_digit_runs(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit()
            || (chars[i] == '+' && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit()))
        {
            // The run: digits and the separators people write numbers with.
            let mut j = i;
            let mut digits = 0;
            let mut last_digit = i;
            while j < chars.len()
                && (chars[j].is_ascii_digit()
                    || matches!(chars[j], ' ' | '-' | '.' | '(' | ')' | '+'))
            {
                if chars[j].is_ascii_digit() {
                    digits += 1;
                    last_digit = j;
                }
                j += 1;
            }
            if digits >= 7 {
                out.push_str("[number]");
                i = last_digit + 1;
            } else {
                out.extend(&chars[i..=last_digit]);
                i = last_digit + 1;
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// Why a customer's answer opens a case without being asked to: a recommendation of 0-6, or
/// a 1 or 2 for how a dimension was, together with a comment (the comment says what to
/// follow up). The comments, joined, are the case's description.
pub fn low_score_comment(
    template: &super::model::Template,
    answers: &super::answers::AnswerSet,
) -> Option<String> {
    use super::answers::{Answer, AnswerValue};
    use super::model::Asks;
    let mut low = false;
    let mut comments = Vec::new();
    for (_, q) in template.questions() {
        match answers.get(&q.id) {
            Some(Answer::Value(AnswerValue::Recommend(v))) if *v <= 6 => low = true,
            Some(Answer::Value(AnswerValue::Scale(v)))
                if *v <= 2 && q.dimension.is_some() && q.asks == Asks::Perception =>
            {
                low = true
            }
            Some(Answer::Value(AnswerValue::Text(t))) if !t.trim().is_empty() => {
                comments.push(t.trim().to_string())
            }
            _ => {}
        }
    }
    (low && !comments.is_empty()).then(|| comments.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kw() -> Keywords {
        Keywords::from_lists(DEFAULT_EMOTION_WORDS, DEFAULT_THREAT_WORDS)
    }

    #[test]
    fn words_in_three_languages_mark_emotion_and_threats() {
        let k = kw();
        assert_eq!(
            text_markers("I am FURIOUS and will call a journalist", &k),
            vec![Marker::Emotion, Marker::Threat]
        );
        assert_eq!(text_markers("我要向媒体曝光", &k), vec![Marker::Threat]);
        assert_eq!(text_markers("服务太差了", &k), vec![Marker::Emotion]);
        assert_eq!(
            text_markers("Это возмутительно, пойду в суд", &k),
            vec![Marker::Emotion, Marker::Threat]
        );
        // A word is matched at the start of a word, not inside one.
        assert!(text_markers("there was an issue with the receipt", &k).is_empty());
        assert_eq!(text_markers("they sued", &k), vec![Marker::Threat]);
        assert!(text_markers("", &k).is_empty());
    }

    #[test]
    fn markers_raise_priority() {
        assert_eq!(priority(&[]), Priority::Normal);
        assert_eq!(priority(&[Marker::Vip]), Priority::High);
        assert_eq!(priority(&[Marker::Vip, Marker::Vip]), Priority::High);
        assert_eq!(priority(&[Marker::Repeat, Marker::Claim]), Priority::Urgent);
        assert_eq!(priority(&[Marker::Threat]), Priority::Urgent);
    }

    #[test]
    fn intake_marks_a_claim_above_the_amount_and_a_repeat() {
        let k = kw();
        let mut intake = Intake {
            text: "The kettle broke",
            claim_amount: Some(500.0),
            claim_threshold: 200.0,
            ..Intake::default()
        };
        assert_eq!(intake_markers(&intake, &k), vec![Marker::Claim]);
        intake.claim_amount = Some(200.0);
        assert!(intake_markers(&intake, &k).is_empty(), "not above");
        intake.claim_threshold = 0.0;
        intake.claim_amount = Some(1e9);
        assert!(intake_markers(&intake, &k).is_empty(), "0 turns it off");
        intake.repeat = true;
        intake.vip = true;
        assert_eq!(
            intake_markers(&intake, &k),
            vec![Marker::Vip, Marker::Repeat]
        );
        assert_eq!(Marker::join(&[Marker::Repeat, Marker::Vip]), "vip repeat");
        assert_eq!(
            Marker::split("vip repeat nonsense"),
            vec![Marker::Vip, Marker::Repeat]
        );
    }

    #[test]
    fn actions_follow_the_life_of_a_case() {
        use CaseStatus::*;
        assert_eq!(Action::Acknowledge.target(New), Some(Acknowledged));
        assert_eq!(Action::Acknowledge.target(Acknowledged), None);
        assert_eq!(Action::Note.target(Acknowledged), Some(InProgress));
        assert_eq!(Action::Note.target(New), Some(New));
        assert_eq!(Action::Note.target(Closed), None);
        assert_eq!(Action::Resolve.target(New), Some(Resolved));
        assert_eq!(Action::Resolve.target(Closed), None);
        assert_eq!(Action::Reassign.target(Resolved), None);
        assert_eq!(Action::Close.target(InProgress), None);
        assert_eq!(Action::Close.target(Resolved), Some(Closed));
        assert_eq!(Action::Reopen.target(Closed), Some(Reopened));
        assert_eq!(Action::Reopen.target(New), None);
        assert_eq!(Action::FollowUp.target(Closed), Some(Closed));
        assert_eq!(Action::FollowUp.target(Resolved), None);
        for a in Action::ALL {
            assert_eq!(Action::parse(a.as_str()), Some(a));
        }
        for s in CaseStatus::ALL {
            assert_eq!(CaseStatus::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn a_missed_deadline_escalates_to_the_region_then_to_the_admins() {
        let d = Deadlines::default();
        let from = 1_000_000;
        let mut clock = Clock {
            status: CaseStatus::New,
            priority: Priority::Normal,
            from_ms: from,
            level: 0,
        };
        assert_eq!(clock.next_escalation(&d), Some((from + 24 * HOUR_MS, 1)));
        assert!(!clock.overdue(&d, from + 24 * HOUR_MS - 1));
        assert!(clock.overdue(&d, from + 24 * HOUR_MS));
        clock.level = 1;
        assert_eq!(clock.next_escalation(&d), Some((from + 48 * HOUR_MS, 2)));
        clock.level = 2;
        assert_eq!(clock.next_escalation(&d), None, "nobody above the admins");
        // Acknowledged: the resolve deadline runs from the same start.
        clock.level = 1;
        clock.status = CaseStatus::InProgress;
        assert_eq!(clock.next_escalation(&d), Some((from + 144 * HOUR_MS, 2)));
        clock.priority = Priority::Urgent;
        assert_eq!(clock.due_at(&d), Some(from + 24 * HOUR_MS));
        clock.status = CaseStatus::Resolved;
        assert_eq!(clock.next_escalation(&d), None);
        assert_eq!(clock.due_at(&d), None);
    }

    #[test]
    fn contacts_are_masked_and_the_rest_kept() {
        assert_eq!(
            mask_contacts("Call me on +44 20 7946 0958 or mail ann@example.com today"),
            "Call me on [number] or mail [email] today"
        );
        assert_eq!(
            mask_contacts("card 4111-1111-1111-1111 charged twice"),
            "card [number] charged twice"
        );
        assert_eq!(
            mask_contacts("receipt 123, 2 items, aisle 7"),
            "receipt 123, 2 items, aisle 7"
        );
        assert_eq!(mask_contacts("电话13812345678请回电"), "电话[number]请回电");
        assert_eq!(mask_contacts("a @ b"), "a @ b");
    }

    #[test]
    fn a_low_customer_answer_with_a_comment_opens_a_case() {
        use crate::domain::answers::{Answer, AnswerSet, AnswerValue};
        let template = crate::domain::builtin::builtin_templates()
            .expect("built in")
            .into_iter()
            .find(|t| t.key == "customer-pulse")
            .expect("customer-pulse");
        let text_q = template
            .questions()
            .find(|(_, q)| q.kind == crate::domain::model::QuestionType::FreeText)
            .map(|(_, q)| q.id.clone())
            .expect("a comment box");
        let rec_q = template
            .questions()
            .find(|(_, q)| q.kind == crate::domain::model::QuestionType::Recommend)
            .map(|(_, q)| q.id.clone())
            .expect("recommend");
        let mut answers = AnswerSet::new();
        answers.insert(rec_q.clone(), Answer::Value(AnswerValue::Recommend(6)));
        assert_eq!(low_score_comment(&template, &answers), None, "no comment");
        answers.insert(
            text_q.clone(),
            Answer::Value(AnswerValue::Text(" Rude at the till ".into())),
        );
        assert_eq!(
            low_score_comment(&template, &answers).as_deref(),
            Some("Rude at the till")
        );
        answers.insert(rec_q, Answer::Value(AnswerValue::Recommend(7)));
        assert_eq!(low_score_comment(&template, &answers), None, "a passive");
        let scale_q = template
            .questions()
            .find(|(_, q)| {
                q.dimension.is_some() && q.kind == crate::domain::model::QuestionType::Scale5
            })
            .map(|(_, q)| q.id.clone())
            .expect("a dimension");
        answers.insert(scale_q, Answer::Value(AnswerValue::Scale(2)));
        assert!(
            low_score_comment(&template, &answers).is_some(),
            "a 2 on a dimension"
        );
    }

    #[test]
    fn labels_are_words_not_markup() {
        assert!(valid_label("product_quality"));
        assert!(valid_label("parking"));
        assert!(valid_label("停车"));
        assert!(!valid_label("<b>"));
        assert!(!valid_label("x"));
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    fn status() -> impl Strategy<Value = CaseStatus> {
        prop::sample::select(CaseStatus::ALL.to_vec())
    }

    proptest! {
        /// Escalations only ever go up, come no earlier than the deadline they follow, and
        /// stop at the top.
        #[test]
        fn escalation_is_monotonic(st in status(), p in 0usize..3, from in 0i64..1_000_000_000, level in 0u8..=2) {
            let d = Deadlines::default();
            let clock = Clock { status: st, priority: Priority::ALL[p], from_ms: from, level };
            match clock.next_escalation(&d) {
                Some((at, next)) => {
                    prop_assert!(st.is_open());
                    prop_assert_eq!(next, level + 1);
                    prop_assert!(at >= clock.due_at(&d).expect("open"));
                    prop_assert!(next <= TOP_LEVEL);
                }
                None => prop_assert!(!st.is_open() || level >= TOP_LEVEL),
            }
        }

        /// Masking never lets a run of 7 digits through, whatever surrounds it.
        #[test]
        fn no_long_digit_run_survives(prefix in "[a-z ]{0,8}", digits in "[0-9]{7,16}", suffix in "[a-z ]{0,8}") {
            let masked = mask_contacts(&format!("{prefix}{digits}{suffix}"));
            let longest = masked.split(|c: char| !c.is_ascii_digit()).map(str::len).max().unwrap_or(0);
            prop_assert!(longest < 7, "{}", masked);
        }
    }
}
