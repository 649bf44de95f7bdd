//! A response as the phone keeps it, from the first answer until the server's receipt.
//!
//! This is the on-device format (stored as JSON in IndexedDB). A newer bundle must read what
//! an older one wrote, so fields are only ever added, with defaults.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::api::wire::Receipt;
use crate::domain::{AnswerInput, Channel, CheckIn, ResponseSubmission};

/// Where an item stands. `Sending` left behind by a crash is simply sent again: the PUT is
/// idempotent.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    Draft,
    Queued,
    Sending,
    Sent,
    Rejected,
}

impl ItemState {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemState::Draft => "draft",
            ItemState::Queued => "queued",
            ItemState::Sending => "sending",
            ItemState::Sent => "sent",
            ItemState::Rejected => "rejected",
        }
    }

    /// Waiting to reach the server.
    pub fn is_unsent(self) -> bool {
        matches!(self, ItemState::Queued | ItemState::Sending)
    }
}

/// Why something could not be sent, as the phone tells the shopper (in their language, see
/// `ui::shopper::problem_text`); the server's own words, when there are any, are kept beside
/// it as details.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Problem {
    /// The request did not get through.
    NoConnection,
    /// The server could not take it now (408, 429, 5xx).
    ServerBusy { status: u16 },
    /// The sign-in ended (401).
    SignedOut,
    /// The phone's own storage failed.
    Device,
    /// 409: the job (or this very response) was already answered with something else.
    AlreadyAnswered,
    /// 403: this user may not send it.
    NotAllowed,
    /// 400/404/422 and anything else: refused, with the server's reasons as details.
    Refused,
    /// The checklist this response was started on is not on the phone.
    TemplateMissing,
    /// A photo of this response is not on the phone.
    PhotoMissing,
}

impl Problem {
    /// A refusal's kind from the server's status.
    pub fn of_status(status: u16) -> Problem {
        match status {
            401 => Problem::SignedOut,
            403 => Problem::NotAllowed,
            408 | 429 | 500..=599 => Problem::ServerBusy { status },
            409 => Problem::AlreadyAnswered,
            _ => Problem::Refused,
        }
    }

    /// Worth trying again later (the item stays queued).
    pub fn is_transient(self) -> bool {
        matches!(
            self,
            Problem::NoConnection
                | Problem::ServerBusy { .. }
                | Problem::SignedOut
                | Problem::Device
        )
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct LocalResponse {
    /// Made on the phone when the response is started; the key of the idempotent PUT.
    pub id: String,
    /// The signed-in user who owns it: another user of the same phone never sees it.
    pub owner: String,
    pub assignment: Option<i64>,
    pub store: String,
    pub store_name: String,
    pub channel: Channel,
    /// Pinned when the response is started, whatever is published later.
    pub template: String,
    pub template_version: u32,
    pub started_at: DateTime<Utc>,
    #[serde(default)]
    pub finished_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub check_in: Option<CheckIn>,
    #[serde(default)]
    pub answers: Vec<AnswerInput>,
    pub state: ItemState,
    /// What stopped it (rejected, or the last sending problem), shown in the user's language.
    #[serde(default)]
    pub problem: Option<Problem>,
    /// The server's own words for it (details, as sent; English), if any.
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub receipt: Option<Receipt>,
    /// Section shown last, so reopening lands where the shopper was.
    #[serde(default)]
    pub section: usize,
    pub updated_at: DateTime<Utc>,
    /// Bytes of the photos this response carries (for the "unsent size" figure).
    #[serde(default)]
    pub photo_bytes: u64,
    /// Running stopwatches: question id to start time (ms since the epoch). Kept with the
    /// draft so a stopwatch survives moving between sections, a reload or a crash.
    #[serde(default)]
    pub timers: std::collections::BTreeMap<String, i64>,
    /// Size of the answers as JSON, measured when the response is queued.
    #[serde(default)]
    pub body_bytes: u64,
    /// A visit a reviewer returned: what to correct. Sending it again sends a revision of
    /// the same response (same id), which keeps the visit's own times and check-in.
    #[serde(default)]
    pub review: Option<ReviewNote>,
}

/// What the reviewer said when returning a visit, and on which revision.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ReviewNote {
    pub revision: i64,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub comments: Vec<crate::api::wire::review::ItemNote>,
}

/// The phone's copy after the server says a visit was returned: reopened as a draft with
/// the reviewer's note, unless the shopper is already on it (a draft, or a correction still
/// waiting to go). A visit this phone does not have (sent from another phone) is made from
/// what the server kept. None: nothing to change.
pub fn reopened(
    local: Option<&LocalResponse>,
    visit: &crate::api::wire::review::MyVisit,
    owner: &str,
    now: DateTime<Utc>,
) -> Option<LocalResponse> {
    if visit.status != "returned" {
        return None;
    }
    let note = ReviewNote {
        revision: visit.revision,
        reason: visit.reason.clone(),
        comments: visit.comments.clone(),
    };
    match local {
        Some(l) => {
            let newer = l
                .review
                .as_ref()
                .is_none_or(|r| r.revision < visit.revision);
            (l.state == ItemState::Sent && newer).then(|| LocalResponse {
                state: ItemState::Draft,
                receipt: None,
                problem: None,
                message: None,
                section: 0,
                updated_at: now,
                review: Some(note),
                ..l.clone()
            })
        }
        None => Some(LocalResponse {
            id: visit.id.clone(),
            owner: owner.to_string(),
            assignment: visit.assignment,
            store: visit.store_code.clone(),
            store_name: visit.store_name.en.clone(),
            channel: visit.channel,
            template: visit.template_key.clone(),
            template_version: visit.template_version,
            started_at: visit.started_at,
            finished_at: Some(visit.finished_at),
            check_in: visit.check_in.clone(),
            answers: visit.answers.clone(),
            state: ItemState::Draft,
            problem: None,
            message: None,
            receipt: None,
            section: 0,
            updated_at: now,
            photo_bytes: 0,
            timers: Default::default(),
            body_bytes: 0,
            review: Some(note),
        }),
    }
}

impl LocalResponse {
    pub fn answer(&self, question: &str) -> Option<&AnswerInput> {
        self.answers.iter().find(|a| a.question == question)
    }

    /// Replace (or with `None`, remove) the answer to one question.
    pub fn set_answer(&mut self, question: &str, answer: Option<AnswerInput>) {
        self.answers.retain(|a| a.question != question);
        if let Some(a) = answer {
            self.answers.push(a);
        }
    }

    /// The body of the PUT. `answers` must already be without hidden questions.
    pub fn submission(&self, answers: Vec<AnswerInput>) -> ResponseSubmission {
        ResponseSubmission {
            template: self.template.clone(),
            template_version: self.template_version,
            store: self.store.clone(),
            channel: self.channel,
            started_at: self.started_at,
            finished_at: self.finished_at.unwrap_or(self.updated_at),
            answers,
            assignment: self.assignment,
            check_in: self.check_in.clone(),
        }
    }

    /// Bytes still to send: the JSON (measured at queueing; the status bar redraws often,
    /// so it is not re-serialised every time) plus the photos.
    pub fn size_bytes(&self) -> u64 {
        let json = if self.body_bytes > 0 {
            self.body_bytes
        } else {
            serde_json::to_string(&self.answers).map_or(0, |s| s.len() as u64)
        };
        json + 400 + self.photo_bytes
    }
}

/// What the status bar shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OutboxFigures {
    pub unsent: usize,
    pub unsent_bytes: u64,
    pub drafts: usize,
    pub rejected: usize,
}

pub fn figures<'a>(items: impl IntoIterator<Item = &'a LocalResponse>) -> OutboxFigures {
    let mut f = OutboxFigures::default();
    for item in items {
        match item.state {
            s if s.is_unsent() => {
                f.unsent += 1;
                f.unsent_bytes += item.size_bytes();
            }
            ItemState::Draft => f.drafts += 1,
            ItemState::Rejected => f.rejected += 1,
            _ => {}
        }
    }
    f
}

/// "1.2 MB", "340 KB", "800 B".
pub fn human_bytes(n: u64) -> String {
    if n >= 1024 * 1024 {
        format!(
            "{} MB",
            crate::domain::display::fixed(n as f64 / (1024.0 * 1024.0), 1)
        )
    } else if n >= 1024 {
        format!("{} KB", n / 1024)
    } else {
        format!("{n} B")
    }
}

/// Wait before the next automatic attempt after `failures` failed ones in a row: 5 s,
/// doubling, never more than 5 minutes.
pub fn backoff_ms(failures: u32) -> i64 {
    let step = 5_000i64.saturating_mul(1i64 << failures.saturating_sub(1).min(10));
    step.min(300_000)
}

/// Photos are kept with their longest side at most this many pixels: sharp enough to read a
/// price label, small enough (a few hundred KB as JPEG) to upload over a weak connection.
pub const PHOTO_LONGEST_SIDE: f64 = 1600.0;

/// The size to scale a photo to: never up, longest side at most [`PHOTO_LONGEST_SIDE`].
pub fn photo_fit(width: f64, height: f64) -> (f64, f64) {
    let longest = width.max(height);
    if longest <= PHOTO_LONGEST_SIDE || longest <= 0.0 {
        (width, height)
    } else {
        let k = PHOTO_LONGEST_SIDE / longest;
        ((width * k).round(), (height * k).round())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(state: ItemState, photo_bytes: u64) -> LocalResponse {
        let now = Utc::now();
        LocalResponse {
            id: "7c1d0a52-0000-4000-8000-000000000001".into(),
            owner: "anna".into(),
            assignment: Some(3),
            store: "SH-001".into(),
            store_name: "People's Square".into(),
            channel: Channel::MysteryVisit,
            template: "instore-visit".into(),
            template_version: 1,
            started_at: now,
            finished_at: None,
            check_in: None,
            answers: vec![],
            state,
            problem: None,
            message: None,
            receipt: None,
            section: 0,
            updated_at: now,
            photo_bytes,
            timers: Default::default(),
            body_bytes: 0,
            review: None,
        }
    }

    fn returned(revision: i64) -> crate::api::wire::review::MyVisit {
        crate::api::wire::review::MyVisit {
            id: "7c1d0a52-0000-4000-8000-000000000001".into(),
            assignment: Some(3),
            store_code: "SH-001".into(),
            store_name: crate::domain::I18nText {
                en: "People's Square".into(),
                zh_cn: None,
                ru: None,
            },
            template_key: "instore-visit".into(),
            template_version: 1,
            channel: Channel::MysteryVisit,
            started_at: Utc::now(),
            finished_at: Utc::now(),
            check_in: None,
            status: "returned".into(),
            score: Some(80.0),
            revision,
            reason: Some("Check the greeting.".into()),
            comments: vec![crate::api::wire::review::ItemNote {
                question_text: Default::default(),
                text: "Really?".into(),
                outcome: None,
            }],
            answers: vec![AnswerInput::with_value(
                "eye_contact",
                serde_json::json!(true),
            )],
            appeals: vec![],
        }
    }

    #[test]
    fn a_returned_visit_reopens_once_per_return_and_never_over_the_shoppers_work() {
        let now = Utc::now();
        let sent = item(ItemState::Sent, 0);
        let open = reopened(Some(&sent), &returned(0), "anna", now).expect("reopened");
        assert_eq!(
            (open.state, open.id.as_str()),
            (ItemState::Draft, sent.id.as_str())
        );
        assert_eq!(open.review.as_ref().map(|r| r.comments.len()), Some(1));
        // Being corrected, or the correction waiting to go: left alone.
        assert_eq!(reopened(Some(&open), &returned(0), "anna", now), None);
        let queued = LocalResponse {
            state: ItemState::Queued,
            ..open.clone()
        };
        assert_eq!(reopened(Some(&queued), &returned(0), "anna", now), None);
        // The correction was sent (revision 1) and returned again: reopened again.
        let resent = LocalResponse {
            state: ItemState::Sent,
            ..open.clone()
        };
        assert_eq!(
            reopened(Some(&resent), &returned(0), "anna", now),
            None,
            "the same return"
        );
        assert!(reopened(Some(&resent), &returned(1), "anna", now).is_some());
        // Not returned: nothing to do; not on this phone: made from the server's copy.
        let mut released = returned(0);
        released.status = "released".into();
        assert_eq!(reopened(Some(&sent), &released, "anna", now), None);
        let fresh = reopened(None, &returned(0), "anna", now).expect("made");
        assert_eq!(
            (fresh.owner.as_str(), fresh.answers.len(), fresh.assignment),
            ("anna", 1, Some(3))
        );
    }

    #[test]
    fn a_refusal_is_told_apart_from_a_passing_problem_by_its_status() {
        assert_eq!(Problem::of_status(409), Problem::AlreadyAnswered);
        assert_eq!(Problem::of_status(422), Problem::Refused);
        assert_eq!(Problem::of_status(404), Problem::Refused);
        assert_eq!(Problem::of_status(403), Problem::NotAllowed);
        for status in [401, 408, 429, 500, 502, 503] {
            assert!(Problem::of_status(status).is_transient(), "{status}");
        }
        for status in [400, 403, 404, 409, 422] {
            assert!(!Problem::of_status(status).is_transient(), "{status}");
        }
    }

    #[test]
    fn a_record_written_before_problems_were_kept_still_reads() {
        let mut old = serde_json::to_value(item(ItemState::Rejected, 0)).expect("json");
        old.as_object_mut().expect("object").remove("problem");
        old["message"] = serde_json::json!("conflict: already answered");
        let back: LocalResponse = serde_json::from_value(old).expect("reads");
        assert_eq!(back.problem, None);
        assert_eq!(back.message.as_deref(), Some("conflict: already answered"));
        let with = LocalResponse {
            problem: Some(Problem::ServerBusy { status: 503 }),
            ..item(ItemState::Queued, 0)
        };
        let json = serde_json::to_string(&with).expect("json");
        assert!(
            json.contains(r#""problem":{"kind":"server_busy","status":503}"#),
            "{json}"
        );
    }

    #[test]
    fn the_status_bar_counts_only_what_still_has_to_go() {
        let items = [
            item(ItemState::Queued, 300_000),
            item(ItemState::Sending, 0),
            item(ItemState::Draft, 0),
            item(ItemState::Sent, 500_000),
            item(ItemState::Rejected, 0),
        ];
        let f = figures(items.iter());
        assert_eq!(f.unsent, 2);
        assert_eq!(f.drafts, 1);
        assert_eq!(f.rejected, 1);
        assert!(f.unsent_bytes >= 300_000 && f.unsent_bytes < 302_000);
    }

    #[test]
    fn retries_back_off_and_are_capped() {
        assert_eq!(backoff_ms(1), 5_000);
        assert_eq!(backoff_ms(2), 10_000);
        assert_eq!(backoff_ms(4), 40_000);
        assert_eq!(backoff_ms(30), 300_000);
    }

    #[test]
    fn a_record_written_by_an_older_bundle_still_reads() {
        // Only the fields of the first on-device format: later fields take their defaults.
        let old = serde_json::json!({
            "id": "x", "owner": "anna", "assignment": null, "store": "SH-001", "store_name": "S",
            "channel": "mystery_visit", "template": "instore-visit", "template_version": 1,
            "started_at": "2026-11-01T10:00:00Z", "state": "queued", "updated_at": "2026-11-01T10:20:00Z"
        });
        let r: LocalResponse = serde_json::from_value(old).expect("reads");
        assert_eq!(r.state, ItemState::Queued);
        assert!(r.answers.is_empty());
    }

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(human_bytes(800), "800 B");
        assert_eq!(human_bytes(340 * 1024), "340 KB");
        assert_eq!(human_bytes(1_258_291), "1.2 MB");
    }

    #[test]
    fn photos_shrink_to_1600_px_on_the_longest_side_and_never_grow() {
        assert_eq!(photo_fit(4000.0, 3000.0), (1600.0, 1200.0));
        assert_eq!(photo_fit(3000.0, 4000.0), (1200.0, 1600.0));
        assert_eq!(photo_fit(800.0, 600.0), (800.0, 600.0));
    }
}
