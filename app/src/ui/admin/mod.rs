//! Administration pages.
pub mod assign;
pub mod audit;
#[cfg(feature = "ssr")]
pub mod checklists;
#[cfg(feature = "ssr")]
pub mod designer;
#[cfg(feature = "designer")]
pub mod designer_live;
pub mod people;
pub mod settings;
pub mod store_import;
pub mod stores;
pub mod tokens;

/// A checklist problem in the reader's language: the designer's page and its live preview
/// both show it beside its field.
#[cfg(any(feature = "ssr", feature = "designer"))]
pub fn problem_text(
    locale: crate::i18n::Locale,
    kind: &crate::domain::template_check::ProblemKind,
) -> String {
    let key = format!("designer.problem.{}", kind.code());
    crate::tr!(locale, key.as_str(), detail = kind.detail())
}
