//! Pure, wasm-safe domain logic: the survey model, answers, scoring and statistics.
//!
//! Nothing here does I/O or knows about Leptos, so the phone (offline) and the server run
//! the very same code and show the very same numbers.

pub mod answers;
pub mod assignment;
#[cfg(any(test, feature = "ssr"))]
pub mod builtin;
pub mod calendar;
pub mod cases;
pub mod display;
pub mod evidence;
pub mod model;
pub mod opening_hours;
pub mod org_settings;
pub mod review;
pub mod role;
pub mod rollup;
pub mod scoring;
pub mod self_assessment;
pub mod stats;
pub mod status;
pub mod store_setup;
pub mod stuffing;
pub mod submission;
pub mod survey_form;
pub mod survey_link;
pub mod targets;
pub mod template_check;
pub mod template_diff;
pub mod template_form;
pub mod unusual;

#[cfg(test)]
mod scoring_props;

pub use answers::{
    answers_so_far, without_hidden, Answer, AnswerInput, AnswerSet, AnswerValue, FieldError,
};
pub use assignment::AssignmentStatus;
pub use model::{Channel, Dimension, I18nText, Question, QuestionType, Section, Template};
pub use scoring::{score, Nps, Score, ScoreCard, Tally};
pub use submission::{CheckIn, ResponseSubmission, StoreCode};
