//! The client-side shopper app: state shared by the list and the form, and the sync driver
//! (on start, on `online`, on a timer with capped backoff, and on "Sync now").

use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::draft::{backoff_ms, figures, human_bytes, reopened, LocalResponse};
use crate::api::wire::review::MyVisit;
use crate::api::wire::{AssignmentView, ShopperFeed};
use crate::offline::db::{self, SyncMeta};
use crate::offline::{net, platform, sync};
use crate::ui::use_locale;
use crate::{tr, trn};

/// How often the open app looks for something to send.
const TICK_MS: i32 = 15_000;

#[derive(Clone, Copy)]
pub struct Shop {
    pub owner: StoredValue<String>,
    pub assignments: RwSignal<Vec<AssignmentView>>,
    /// Past visits as the server last listed them (kept for offline).
    pub visits: RwSignal<Vec<MyVisit>>,
    pub items: RwSignal<Vec<LocalResponse>>,
    pub meta: RwSignal<SyncMeta>,
    pub syncing: RwSignal<bool>,
    pub online: RwSignal<bool>,
    pub loaded: RwSignal<bool>,
}

impl Shop {
    pub fn owner(&self) -> String {
        self.owner.get_value()
    }

    /// Re-read the responses from IndexedDB (after the sync loop or the form changed them).
    pub fn reload_items(self) {
        leptos::task::spawn_local(async move {
            if let Ok(database) = db::open().await {
                if let Ok(list) = db::responses(&database, &self.owner()).await {
                    self.items.set(list);
                }
            }
        });
    }

    /// Put one response into the in-memory list (what the page shows).
    pub fn show(self, item: &LocalResponse) {
        self.items
            .update(|items| match items.iter_mut().find(|i| i.id == item.id) {
                Some(existing) => *existing = item.clone(),
                None => items.push(item.clone()),
            });
    }

    /// Save one response and update the in-memory list at once.
    pub fn save(self, item: LocalResponse) {
        self.show(&item);
        leptos::task::spawn_local(async move {
            if let Ok(database) = db::open().await {
                let _ = db::save_response(&database, &item).await;
            }
        });
    }

    /// Fetch the assignment feed, keep it, and have the service worker re-cache the shell.
    /// Whether the request got through also decides what the status line says:
    /// `navigator.onLine` can claim a connection that is not there (captive portals, a
    /// signal too weak to carry data, and Chromium after reloading a page it emulates as
    /// offline), so a failed request is the better witness.
    async fn refresh_feed(self) {
        let reply = match net::get_json("/api/v1/shopper/assignments").await {
            Ok(reply) => {
                self.online.set(true);
                reply
            }
            Err(_) => {
                self.online.set(false);
                return;
            }
        };
        if !reply.ok() {
            return;
        }
        let Ok(feed) = serde_json::from_str::<ShopperFeed>(&reply.text) else {
            return;
        };
        if let Ok(database) = db::open().await {
            let _ = db::save_feed(&database, &self.owner(), &feed).await;
        }
        self.assignments.set(feed.assignments);
        self.refresh_visits().await;
        platform::cache_shell().await;
    }

    /// Fetch the past visits, keep them, and reopen the ones a reviewer returned (with the
    /// comments) as drafts to correct: offline from then on too.
    async fn refresh_visits(self) {
        let Ok(reply) = net::get_json("/api/v1/shopper/visits").await else {
            return;
        };
        if !reply.ok() {
            return;
        }
        let Ok(visits) = serde_json::from_str::<Vec<MyVisit>>(&reply.text) else {
            return;
        };
        let Ok(database) = db::open().await else {
            return;
        };
        let _ = db::save_visits(&database, &self.owner(), &visits).await;
        let now = chrono::Utc::now();
        for visit in &visits {
            let local = self
                .items
                .with_untracked(|items| items.iter().find(|i| i.id == visit.id).cloned());
            if let Some(draft) = reopened(local.as_ref(), visit, &self.owner(), now) {
                let _ = db::save_response(&database, &draft).await;
                self.show(&draft);
            }
        }
        self.visits.set(visits);
    }

    /// Send what is waiting. `forced` (the button, coming online) ignores the backoff.
    pub fn sync(self, forced: bool) {
        if self.syncing.get_untracked() {
            return;
        }
        let meta = self.meta.get_untracked();
        if !forced && platform::now_ms() < meta.next_attempt_ms {
            return;
        }
        self.syncing.set(true);
        leptos::task::spawn_local(async move {
            let owner = self.owner();
            let changed = move |item: &LocalResponse| self.show(item);
            let outcome = sync::run_pass(&owner, &changed).await;
            let mut meta = self.meta.get_untracked();
            match outcome {
                Ok(_) => {
                    meta.last_success = Some(chrono::Utc::now());
                    meta.last_problem = None;
                    meta.last_error = None;
                    meta.failures = 0;
                    meta.next_attempt_ms = 0;
                    self.refresh_feed().await;
                }
                Err(sync::Stop::Transient(problem, why)) => {
                    meta.last_problem = Some(problem);
                    meta.last_error = (!why.is_empty()).then_some(why);
                    meta.failures += 1;
                    meta.next_attempt_ms = platform::now_ms() + backoff_ms(meta.failures);
                }
            }
            if let Ok(database) = db::open().await {
                let _ = db::save_meta(&database, &owner, &meta).await;
            }
            self.meta.set(meta);
            self.reload_items();
            self.syncing.set(false);
        });
    }
}

#[component]
pub fn ShopperApp(owner: String) -> impl IntoView {
    let shop = Shop {
        owner: StoredValue::new(owner.clone()),
        assignments: RwSignal::new(Vec::new()),
        visits: RwSignal::new(Vec::new()),
        items: RwSignal::new(Vec::new()),
        meta: RwSignal::new(SyncMeta::default()),
        syncing: RwSignal::new(false),
        online: RwSignal::new(platform::online()),
        loaded: RwSignal::new(false),
    };
    provide_context(shop);
    let locale = use_locale();

    // Start: what the phone has, at once; then the network, if any.
    leptos::task::spawn_local(async move {
        if let Ok(database) = db::open().await {
            let owner = shop.owner();
            if let Ok(list) = db::load_feed(&database, &owner).await {
                shop.assignments.set(list);
            }
            if let Ok(visits) = db::load_visits(&database, &owner).await {
                shop.visits.set(visits);
            }
            if let Ok(items) = db::responses(&database, &owner).await {
                shop.items.set(items);
            }
            if let Ok(meta) = db::load_meta(&database, &owner).await {
                shop.meta.set(meta);
            }
        }
        shop.loaded.set(true);
        platform::register_service_worker();
        platform::request_persistent_storage();
        shop.refresh_feed().await;
        shop.sync(true);
    });
    platform::on_online(move || {
        shop.online.set(true);
        shop.sync(true);
    });
    if let Some(w) = web_sys::window() {
        let cb = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || shop.online.set(false));
        let _ = w.add_event_listener_with_callback(
            "offline",
            wasm_bindgen::JsCast::unchecked_ref(cb.as_ref()),
        );
        cb.forget();
    }
    platform::every(TICK_MS, move || {
        if !platform::online() {
            shop.online.set(false);
        } else if !shop.online.get_untracked() {
            // The browser says online but the last request failed: try again, and send
            // what waits as soon as one gets through.
            leptos::task::spawn_local(async move {
                shop.refresh_feed().await;
                if shop.online.get_untracked() {
                    shop.sync(true);
                }
            });
            return;
        }
        if shop
            .items
            .with_untracked(|items| figures(items.iter()).unsent)
            > 0
        {
            shop.sync(false);
        }
    });
    platform::guard_sign_out(
        owner,
        move || {
            shop.items.with_untracked(|items| {
                let f = figures(items.iter());
                f.unsent + f.drafts + f.rejected
            })
        },
        move |n| trn!(locale, "shopper.sign_out_unsent", count = n),
    );
    platform::reload_when_restored_from_history();

    let query = use_query_map();
    let open = move || query.with(|q| q.get("a").and_then(|a| a.parse::<i64>().ok()));
    view! {
        <SyncStatus/>
        {move || match open() {
            Some(id) => Either::Left(view! { <super::form::VisitForm assignment=id/> }),
            None => Either::Right(view! { <super::list::AssignmentList/> }),
        }}
    }
}

/// Always visible: what is waiting, when the phone last got through, what went wrong.
#[component]
fn SyncStatus() -> impl IntoView {
    let shop = expect_context::<Shop>();
    let locale = use_locale();
    let f = Memo::new(move |_| shop.items.with(|items| figures(items.iter())));
    view! {
        <section class="sync card" aria-label=tr!(locale, "shopper.sync.title") data-testid="sync-status">
            <p class="sync-line">
                <span class=move || if shop.online.get() { "dot on" } else { "dot off" }></span>
                {move || if shop.online.get() { tr!(locale, "shopper.sync.online") } else { tr!(locale, "shopper.sync.offline") }}
                " · "
                <span data-testid="unsent">
                    {move || {
                        let f = f.get();
                        if f.unsent == 0 {
                            tr!(locale, "shopper.sync.nothing_waiting")
                        } else {
                            tr!(locale, "shopper.sync.waiting", count = f.unsent, size = human_bytes(f.unsent_bytes))
                        }
                    }}
                </span>
            </p>
            <p class="muted">
                {move || match shop.meta.get().last_success {
                    Some(at) => tr!(locale, "shopper.sync.last_success", at = crate::domain::display::date_time(&at.with_timezone(&chrono::Local).naive_local())),
                    None => tr!(locale, "shopper.sync.never"),
                }}
            </p>
            {move || {
                let meta = shop.meta.get();
                let text = match (meta.last_problem, meta.last_error) {
                    (Some(p), _) => super::problem_text(locale, p),
                    // Written by an older bundle: its words as they are.
                    (None, Some(e)) => e,
                    (None, None) => return None,
                };
                Some(view! { <p class="error" role="status">{tr!(locale, "shopper.sync.last_error", error = text)}</p> })
            }}
            <button type="button" class="button secondary" disabled=move || shop.syncing.get()
                on:click=move |_| shop.sync(true)>
                {move || if shop.syncing.get() { tr!(locale, "shopper.sync.sending") } else { tr!(locale, "shopper.sync.now") }}
            </button>
        </section>
    }
}
