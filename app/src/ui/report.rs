//! A response's full report (`/responses/{id}`) and a store's comments
//! (`/stores/{code}/comments`). Server-only pages: plain HTML that prints on A4 and works
//! without JavaScript.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::report::{
    comments_page, report_page, CommentList, CommentView, Report, ReportItem, Shown,
};
use crate::domain::display::trimmed;
use crate::domain::scoring::{fmt_points, ItemStatus};
use crate::i18n::Locale;
use crate::tr;
use crate::ui::report_review::{
    notice, AppealForm, AppealList, DecisionForm, DecisionHistory, ReviewState, APPEAL_FORM,
    DECISION_FORM,
};
use crate::ui::scorecard::{channel_name, dimension_name, percent_or_dash};
use crate::ui::{load_error, store_time, use_locale, use_me, ZoneNote};

#[component]
pub fn ReportPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let query = use_query_map();
    let page = Resource::new(
        move || params.with(|p| p.get("id").unwrap_or_default()),
        report_page,
    );
    let me = use_me();
    let message = move || {
        query.with(|q| {
            let done = if q.get("appealed").is_some() {
                Some("appeal.sent")
            } else if q.get("appeal_decided").is_some() {
                Some("appeal.answered")
            } else {
                None
            };
            notice(locale, q.get("problem"), done)
        })
    };
    view! {
        <Suspense fallback=move || view! { <p>{tr!(locale, "common.loading")}</p> }>
            {move || page.get().map(|result| match result {
                Ok(report) => view! { {message()}<ReportView locale report csrf=me.csrf()/> }.into_any(),
                Err(e) => load_error(locale, e),
            })}
        </Suspense>
    }
}

/// The box an item row carries for whoever may act on the visit.
#[derive(Clone, Debug, PartialEq)]
enum ItemBox {
    None,
    /// A reviewer's comment for the shopper.
    Comment,
    /// A store manager's reason to appeal it.
    Appeal,
    /// Appealed already: the appeal's status.
    Appealed(String),
}

#[component]
fn ReportView(locale: Locale, report: Report, csrf: String) -> impl IntoView {
    let lang = locale.code();
    let may_appeal = report.appeal_until.is_some() && report.status == "counted";
    let box_of = {
        let appeals = report.appeals.clone();
        let may_decide = report.may_decide;
        move |question: &str| {
            if may_decide {
                ItemBox::Comment
            } else if let Some(a) = appeals.iter().find(|a| a.question == question) {
                ItemBox::Appealed(a.status.clone())
            } else if may_appeal {
                ItemBox::Appeal
            } else {
                ItemBox::None
            }
        }
    };
    let with_boxes = report.may_decide || may_appeal || !report.appeals.is_empty();
    let questions: Vec<(String, String)> = report
        .sections
        .iter()
        .flat_map(|s| s.items.iter())
        .map(|i| (i.question.clone(), i.text.get(lang).to_string()))
        .collect();
    let review_state = view! { <ReviewState locale report=report.clone()/> };
    let history = view! { <DecisionHistory locale decisions=report.decisions.clone() timezone=report.timezone.clone() questions/> };
    let appeals = view! { <AppealList locale appeals=report.appeals.clone() timezone=report.timezone.clone() csrf=csrf.clone() may_decide=report.may_decide_appeals/> };
    let decide = report.may_decide.then(|| view! { <DecisionForm locale id=report.id.clone() csrf=csrf.clone() status=report.status.clone()/> });
    let appeal_form = report
        .appeal_until
        .filter(|_| may_appeal)
        .map(|until| view! { <AppealForm locale id=report.id.clone() csrf=csrf.clone() until=until.to_string()/> });
    let scorecard = format!("/stores/{}/scorecard", report.store_code);
    let points = tr!(
        locale,
        "report.points",
        earned = fmt_points(report.earned),
        possible = fmt_points(report.possible)
    );
    let na = (report.not_applicable > 0).then(|| {
        format!(
            ", {}",
            tr!(
                locale,
                "report.not_applicable",
                count = report.not_applicable
            )
        )
    });
    let critical = (!report.critical_failures.is_empty()).then(|| {
        let items = report
            .critical_failures
            .iter()
            .map(|t| view! { <li>{t.get(lang).to_string()}</li> })
            .collect_view();
        view! {
            <div class="notice alert" role="alert">
                <p>{tr!(locale, "report.critical_failed")}</p>
                <ul>{items}</ul>
            </div>
        }
    });
    let flagged = (!report.flags.is_empty()).then(|| {
        view! { <p class="notice">{tr!(locale, "report.flagged", flags = report.flags.join(", "))}</p> }
    });
    // Held and excluded responses are shown to admins only, who decide on them.
    let not_counted = matches!(report.status.as_str(), "held" | "excluded").then(|| {
        let why = report.status_reason.clone().unwrap_or_default();
        let text = if report.status == "held" {
            tr!(locale, "report.held", reason = why)
        } else {
            tr!(locale, "report.excluded", reason = why)
        };
        view! { <p class="notice alert" role="status" data-status=report.status.clone()>{text}</p> }
    });
    let dimensions = report
        .dimensions
        .iter()
        .map(|d| {
            view! {
                <tr>
                    <th scope="row">{dimension_name(locale, d.dimension)}</th>
                    <td class="num">{percent_or_dash(d.percent)}</td>
                    <td class="num">{format!("{} / {}", fmt_points(d.earned), fmt_points(d.possible))}</td>
                </tr>
            }
        })
        .collect_view();
    let sections = report
        .sections
        .into_iter()
        .map(|s| {
            let items = s.items.iter().map(|i| view! { <ItemRow locale item=i.clone() item_box=box_of(&i.question)/> }).collect_view();
            view! {
                <section class="report-section">
                    <h2>
                        {s.title.get(lang).to_string()}
                        " "<small class="meta">{percent_or_dash(s.percent)}" · "{format!("{} / {}", fmt_points(s.earned), fmt_points(s.possible))}</small>
                    </h2>
                    <div class="table-scroll">
                        <table class="figures report-items">
                            <thead><tr>
                                <th scope="col">{tr!(locale, "report.question")}</th>
                                <th scope="col">{tr!(locale, "report.answer")}</th>
                                <th scope="col">{tr!(locale, "report.result")}</th>
                                {with_boxes.then(|| view! { <th scope="col">{tr!(locale, "report.item_note")}</th> })}
                            </tr></thead>
                            <tbody>{items}</tbody>
                        </table>
                    </div>
                </section>
            }
        })
        .collect_view();
    view! {
        <h1>{tr!(locale, "report.title", store = report.store_name.get(locale.code()).to_string())}</h1>
        <p class="meta">
            {channel_name(locale, report.channel)}" · "
            {tr!(locale, "report.template", title = report.template_title.get(lang).to_string(), version = report.template_version)}
            <br/>
            {tr!(locale, "report.when", finished = store_time(&report.finished_at, &report.timezone), received = store_time(&report.received_at, &report.timezone))}
        </p>
        <ZoneNote timezone=report.timezone.clone()/>
        {flagged}
        {not_counted}
        {review_state}
        <section class="headline">
            <div class="card">
                <p class="meta">{tr!(locale, "score.overall")}</p>
                <p class="big-figure" data-test="report-score">{percent_or_dash(report.percent)}</p>
                <p class="hint">{points}{na}</p>
            </div>
        </section>
        {critical}
        <h2>{tr!(locale, "report.by_dimension")}</h2>
        <div class="table-scroll">
            <table class="figures"><tbody>{dimensions}</tbody></table>
        </div>
        {sections}
        {decide}
        {appeal_form}
        {appeals}
        {history}
        <p class="no-print"><a href=scorecard>{tr!(locale, "report.back")}</a></p>
    }
    .into_any()
}

#[component]
fn ItemRow(locale: Locale, item: ReportItem, item_box: ItemBox) -> impl IntoView {
    let lang = locale.code();
    let question = item.text.get(lang).to_string();
    let answer = match &item.answer {
        Shown::Missing => {
            view! { <span class="meta">{tr!(locale, "report.missing")}</span> }.into_any()
        }
        Shown::NotApplicable => tr!(locale, "survey.not_applicable").into_any(),
        Shown::YesNo(true) => tr!(locale, "survey.yes").into_any(),
        Shown::YesNo(false) => tr!(locale, "survey.no").into_any(),
        Shown::OutOf { value, max } => format!("{value} / {max}").into_any(),
        Shown::Choices(labels) => labels
            .iter()
            .map(|l| l.get(lang).to_string())
            .collect::<Vec<_>>()
            .join(", ")
            .into_any(),
        Shown::Number(n) => trimmed(*n, 2).into_any(),
        Shown::Seconds(s) => tr!(locale, "report.seconds", count = *s).into_any(),
        Shown::Count(c) => c.to_string().into_any(),
        Shown::Text(t) => view! { <q>{t.clone()}</q> }.into_any(),
        Shown::PhotoKept => tr!(locale, "report.photo_kept").into_any(),
        Shown::Photo(sha) => {
            let href = format!("/api/v1/photos/{sha}");
            let src = href.clone();
            view! {
                <a href=href>
                    <img class="report-photo" src=src alt=tr!(locale, "report.photo", question = question.clone()) loading="lazy"/>
                </a>
            }
            .into_any()
        }
    };
    let status_key = format!(
        "report.status.{}",
        match item.status {
            ItemStatus::Passed => "passed",
            ItemStatus::Failed => "failed",
            ItemStatus::NotApplicable => "not_applicable",
            ItemStatus::NotAnswered => "not_answered",
            ItemStatus::Unscored => "unscored",
        }
    );
    let scored = matches!(item.status, ItemStatus::Passed | ItemStatus::Failed);
    let class = match item.status {
        ItemStatus::Failed => "item failed",
        ItemStatus::Passed => "item passed",
        _ => "item",
    };
    view! {
        <tr class=class>
            <th scope="row">
                {question.clone()}
                {item.critical.then(|| view! { " " <span class="tag">{tr!(locale, "score.critical")}</span> })}
                {item.dimension.map(|d| view! { <br/><small class="meta">{dimension_name(locale, d)}</small> })}
            </th>
            <td>{answer}</td>
            <td class="num">
                {scored.then(|| format!("{} / {} ", fmt_points(item.earned), fmt_points(item.possible)))}
                <small class="status">{tr!(locale, status_key.as_str())}</small>
            </td>
            {item_cell(locale, &item, item_box)}
        </tr>
    }
}

/// The last cell of an item row: a comment or appeal box, or the appeal's status.
fn item_cell(locale: Locale, item: &ReportItem, item_box: ItemBox) -> Option<AnyView> {
    let (form, name, label) = match item_box {
        ItemBox::None => return None,
        ItemBox::Appealed(status) => {
            let text = crate::i18n::message(locale, &format!("appeal.status.{status}"));
            return Some(view! { <td data-appeal=status>{text}</td> }.into_any());
        }
        ItemBox::Comment => (
            DECISION_FORM,
            "comment",
            tr!(
                locale,
                "report.comment_for",
                question = item.text.get(locale.code()).to_string()
            ),
        ),
        ItemBox::Appeal => (
            APPEAL_FORM,
            "appeal",
            tr!(
                locale,
                "appeal.reason_for",
                question = item.text.get(locale.code()).to_string()
            ),
        ),
    };
    let field = format!("{name}.{}", item.question);
    let id = format!("{name}-{}", item.question);
    Some(
        view! {
            <td>
                <label class="visually-hidden" for=id.clone()>{label}</label>
                <textarea id=id form=form name=field rows="2" maxlength="1000"></textarea>
            </td>
        }
        .into_any(),
    )
}

/// One comment with where it came from and a link to its response's report.
#[component]
pub fn CommentItem(
    locale: Locale,
    comment: CommentView,
    timezone: String,
    /// How many identical comments in a row this line stands for.
    #[prop(default = 1)]
    repeated: usize,
) -> impl IntoView {
    view! {
        <li class="comment">
            <blockquote>{comment.text.clone()}</blockquote>
            {(repeated > 1).then(|| view! { <p class="tag alert repeated" data-testid="repeated">{tr!(locale, "score.repeated", count = repeated)}</p> })}
            <p class="meta">
                {channel_name(locale, comment.channel)}" · "{store_time(&comment.finished_at, &timezone)}" · "
                {comment.question.get(locale.code()).to_string()}" · "
                <a href=format!("/responses/{}", comment.response_id)>{tr!(locale, "report.open")}</a>
            </p>
        </li>
    }
}

/// Neighbouring comments with the same words on the same question in the same channel, as
/// one line with a count.
pub fn comment_runs(comments: &[CommentView]) -> Vec<(&CommentView, usize)> {
    crate::domain::display::collapse_runs(comments, |c| {
        (
            c.text.trim().to_lowercase(),
            c.channel,
            c.question.en.clone(),
        )
    })
}

#[component]
pub fn CommentsPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let query = use_query_map();
    let args = move || {
        let q = query.get();
        (
            params.with(|p| p.get("code").unwrap_or_default()),
            q.get("weeks")
                .and_then(|w| w.parse::<u32>().ok())
                .unwrap_or(0),
            q.get("after").unwrap_or_default(),
        )
    };
    let page = Resource::new(args, |(code, weeks, after)| {
        comments_page(code, weeks, after)
    });
    view! {
        <Suspense fallback=move || view! { <p>{tr!(locale, "common.loading")}</p> }>
            {move || page.get().map(|result| match result {
                Ok(list) => view! { <CommentsView locale list/> }.into_any(),
                Err(e) => load_error(locale, e),
            })}
        </Suspense>
    }
}

#[component]
fn CommentsView(locale: Locale, list: CommentList) -> impl IntoView {
    let base = format!("/stores/{}/comments?weeks={}", list.store_code, list.weeks);
    let timezone = list.timezone.clone();
    let items = comment_runs(&list.comments)
        .into_iter()
        .map(|(comment, repeated)| view! { <CommentItem locale comment=comment.clone() timezone=timezone.clone() repeated/> })
        .collect_view();
    view! {
        <h1>{tr!(locale, "comments.title", store = list.store_name.get(locale.code()).to_string())}</h1>
        <p class="hint">{tr!(locale, "comments.lead", count = list.weeks)}</p>
        <ZoneNote timezone=list.timezone.clone()/>
        <ul class="comments">{items}</ul>
        {list.next.map(|next| view! {
            <p><a class="button secondary" href=format!("{base}&after={}", crate::ui::layout::urlencode(&next))>{tr!(locale, "comments.older")}</a></p>
        })}
        <p><a href=format!("/stores/{}/scorecard?weeks={}", list.store_code, list.weeks)>{tr!(locale, "report.back")}</a></p>
    }
}
