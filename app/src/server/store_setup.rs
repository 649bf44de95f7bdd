//! Setting up the chain: regions and stores created, edited, closed and reopened by admins,
//! one at a time (pages, `POST/PATCH /api/v1/stores`) or from a CSV file (preview, then all or
//! nothing). Every change is written to the audit log in the same transaction.

use std::collections::HashMap;

use serde::Deserialize;
use sqlx::AnyConnection;

use super::actor::Actor;
use super::db::audit::{self, Change, Subject};
use super::db::store_setup::{self as db_stores, StoreRecordRow};
use super::db::Db;
use super::error::{ServiceError, ServiceResult};
use crate::api::wire::store_setup::{ImportReport, ImportRow, RowAction, StoreRecordView};
use crate::api::wire::Role;
use crate::domain::store_setup::{changes, StoreFields, StoreInput, CSV_COLUMNS, REQUIRED_COLUMNS};
use crate::domain::FieldError;

/// Largest stores file accepted (about 10,000 stores).
pub const MAX_IMPORT_BYTES: usize = 2 * 1024 * 1024;
/// Most rows in one file.
pub const MAX_IMPORT_ROWS: usize = 10_000;
/// The chain's name until an admin gives it one (a fresh install has no organisation).
pub const DEFAULT_ORGANISATION: &str = "My chain";

/// Only admins set up the chain.
pub fn require_admin(actor: &Actor) -> ServiceResult<()> {
    if actor.role == Role::Admin {
        Ok(())
    } else {
        Err(ServiceError::Forbidden)
    }
}

/// Is this an IANA time zone name (`Europe/London`)?
pub fn known_zone(name: &str) -> bool {
    !name.is_empty() && name.parse::<chrono_tz::Tz>().is_ok()
}

pub fn view(row: &StoreRecordRow) -> StoreRecordView {
    StoreRecordView {
        fields: row.fields().input(),
        open: row.active == 1,
    }
}

/// Two admins creating one code at once: the second is told, as if it had been checked.
fn code_taken(e: sqlx::Error) -> ServiceError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            ServiceError::invalid("code", "another store has this code")
        }
        _ => ServiceError::Db(e),
    }
}

/// Changes to one store; a field left out (None) stays as it is.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StorePatch {
    pub code: Option<String>,
    pub name: Option<String>,
    pub name_zh_cn: Option<String>,
    pub name_ru: Option<String>,
    pub region: Option<String>,
    pub address: Option<String>,
    pub timezone: Option<String>,
    pub latitude: Option<String>,
    pub longitude: Option<String>,
    pub phone: Option<String>,
    pub opening_hours: Option<String>,
    /// `open` or `closed`.
    pub status: Option<String>,
    /// The same as `status`, as a flag.
    pub active: Option<bool>,
}

impl StorePatch {
    fn apply(self, input: &mut StoreInput) {
        let slots = [
            (self.name, &mut input.name),
            (self.name_zh_cn, &mut input.name_zh_cn),
            (self.name_ru, &mut input.name_ru),
            (self.region, &mut input.region),
            (self.address, &mut input.address),
            (self.timezone, &mut input.timezone),
            (self.latitude, &mut input.latitude),
            (self.longitude, &mut input.longitude),
            (self.phone, &mut input.phone),
            (self.opening_hours, &mut input.opening_hours),
            (self.status, &mut input.status),
        ];
        for (value, slot) in slots {
            if let Some(v) = value {
                *slot = v;
            }
        }
        if let Some(active) = self.active {
            input.status = if active { "open" } else { "closed" }.into();
        }
    }
}

/// The organisation new regions join: the first, or a new one on a fresh install.
async fn organisation(conn: &mut AnyConnection) -> Result<i64, sqlx::Error> {
    match db_stores::organisations(conn).await?.first() {
        Some((id, _)) => Ok(*id),
        None => db_stores::insert_organisation(conn, DEFAULT_ORGANISATION).await,
    }
}

fn region_name(name: &str) -> ServiceResult<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ServiceError::invalid(
            "name",
            "a name of 1 to 200 characters",
        ));
    }
    Ok(name.to_string())
}

/// Create a region (in the chain's organisation).
pub async fn create_region(db: &Db, actor: &Actor, name: &str, now: i64) -> ServiceResult<i64> {
    require_admin(actor)?;
    let name = region_name(name)?;
    let mut tx = db.write_tx().await?;
    if db_stores::region_ids(&mut tx).await?.contains_key(&name) {
        return Err(ServiceError::invalid(
            "name",
            "there is a region of that name",
        ));
    }
    let org = organisation(&mut tx).await?;
    let id = db_stores::insert_region(&mut tx, org, &name).await?;
    audit::record(&mut tx, actor, now, created(Subject::Region, &name, &name)).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn rename_region(
    db: &Db,
    actor: &Actor,
    id: i64,
    name: &str,
    now: i64,
) -> ServiceResult<()> {
    require_admin(actor)?;
    let name = region_name(name)?;
    let mut tx = db.write_tx().await?;
    let (_, old) = db_stores::region_by_id(&mut tx, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if old == name {
        return Ok(());
    }
    if db_stores::region_ids(&mut tx).await?.contains_key(&name) {
        return Err(ServiceError::invalid(
            "name",
            "there is a region of that name",
        ));
    }
    db_stores::rename_region(&mut tx, id, &name).await?;
    audit::record(
        &mut tx,
        actor,
        now,
        Change {
            subject: Subject::Region,
            key: &name,
            field: "name",
            old: Some(&old),
            new: Some(&name),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Name the chain (the organisation the pages and the league show).
pub async fn rename_organisation(
    db: &Db,
    actor: &Actor,
    name: &str,
    now: i64,
) -> ServiceResult<()> {
    require_admin(actor)?;
    let name = region_name(name)?;
    let mut tx = db.write_tx().await?;
    let id = organisation(&mut tx).await?;
    let old = db_stores::organisations(&mut tx)
        .await?
        .into_iter()
        .find(|(o, _)| *o == id)
        .map(|(_, n)| n)
        .unwrap_or_default();
    if old != name {
        db_stores::rename_organisation(&mut tx, id, &name).await?;
        audit::record(
            &mut tx,
            actor,
            now,
            Change {
                subject: Subject::Organisation,
                key: &name,
                field: "name",
                old: Some(&old),
                new: Some(&name),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

fn created<'a>(subject: Subject, key: &'a str, what: &'a str) -> Change<'a> {
    Change {
        subject,
        key,
        field: "created",
        old: None,
        new: Some(what),
    }
}

/// What saving one checked store did.
#[derive(Debug, PartialEq)]
pub enum Saved {
    Created,
    Updated(Vec<String>),
    Unchanged,
}

/// Store one checked store inside the caller's transaction: insert it, or write what
/// changed, with an audit row per changed field. `regions` maps names to ids; a name not in
/// it is created when `new_regions` allows (imports), else refused.
async fn save(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: i64,
    fields: &StoreFields,
    existing: Option<&StoreRecordRow>,
    regions: &mut HashMap<String, i64>,
    new_regions: bool,
) -> ServiceResult<Saved> {
    let region_id = match regions.get(&fields.region) {
        Some(id) => *id,
        None if new_regions => {
            let org = organisation(conn).await?;
            let id = db_stores::insert_region(conn, org, &fields.region).await?;
            audit::record(
                conn,
                actor,
                now,
                created(Subject::Region, &fields.region, &fields.region),
            )
            .await?;
            regions.insert(fields.region.clone(), id);
            id
        }
        None => {
            return Err(ServiceError::invalid(
                "region",
                "no region of that name; create it first",
            ))
        }
    };
    let Some(old) = existing else {
        db_stores::insert_store(conn, region_id, fields).await?;
        let what = format!("{} ({})", fields.name, fields.region);
        audit::record(
            conn,
            actor,
            now,
            created(Subject::Store, &fields.code, &what),
        )
        .await?;
        return Ok(Saved::Created);
    };
    let diff = changes(&old.fields(), fields);
    if diff.is_empty() {
        return Ok(Saved::Unchanged);
    }
    let open = fields.open.unwrap_or(old.active == 1);
    db_stores::update_store(conn, old.id, region_id, fields, open).await?;
    for (field, was, now_is) in &diff {
        let text = |t: &String| (!t.is_empty()).then(|| t.clone());
        let (was, now_is) = (text(was), text(now_is));
        audit::record(
            conn,
            actor,
            now,
            Change {
                subject: Subject::Store,
                key: &fields.code,
                field,
                old: was.as_deref(),
                new: now_is.as_deref(),
            },
        )
        .await?;
    }
    Ok(Saved::Updated(
        diff.into_iter().map(|c| c.0.to_string()).collect(),
    ))
}

/// Create one store (`POST /api/v1/stores`, the new-store form). Its region must exist.
pub async fn create_store(
    db: &Db,
    actor: &Actor,
    input: &StoreInput,
    now: i64,
) -> ServiceResult<StoreRecordView> {
    require_admin(actor)?;
    let fields = input.check(known_zone).map_err(ServiceError::Invalid)?;
    let mut tx = db.write_tx().await?;
    if db_stores::store_by_code(&mut tx, &fields.code)
        .await?
        .is_some()
    {
        return Err(ServiceError::invalid("code", "another store has this code"));
    }
    let mut regions = db_stores::region_ids(&mut tx).await?;
    save(&mut tx, actor, now, &fields, None, &mut regions, false)
        .await
        .map_err(|e| match e {
            ServiceError::Db(d) => code_taken(d),
            other => other,
        })?;
    let row = db_stores::store_by_code(&mut tx, &fields.code)
        .await?
        .ok_or(ServiceError::NotFound)?;
    tx.commit().await?;
    Ok(view(&row))
}

/// Change one store (`PATCH /api/v1/stores/{code}`, the edit form, close and reopen).
pub async fn update_store(
    db: &Db,
    actor: &Actor,
    code: &str,
    patch: StorePatch,
    now: i64,
) -> ServiceResult<(StoreRecordView, Saved)> {
    require_admin(actor)?;
    let mut tx = db.write_tx().await?;
    let old = db_stores::store_by_code(&mut tx, code)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if patch.code.as_deref().is_some_and(|c| c.trim() != old.code) {
        return Err(ServiceError::invalid(
            "code",
            "a store's code cannot change (printed QR codes carry it)",
        ));
    }
    let mut input = old.fields().input();
    patch.apply(&mut input);
    let fields = input.check(known_zone).map_err(ServiceError::Invalid)?;
    let mut regions = db_stores::region_ids(&mut tx).await?;
    let saved = save(
        &mut tx,
        actor,
        now,
        &fields,
        Some(&old),
        &mut regions,
        false,
    )
    .await?;
    let row = db_stores::store_by_code(&mut tx, code)
        .await?
        .ok_or(ServiceError::NotFound)?;
    tx.commit().await?;
    Ok((view(&row), saved))
}

/// A stores file as read: its columns, and each row as typed with its line number.
#[derive(Debug)]
pub struct CsvFile {
    pub columns: Vec<String>,
    pub rows: Vec<(usize, StoreInput)>,
}

/// Read a stores file, or say what is wrong with the file as a whole. Spreadsheets set to Russian or Chinese often write `;` between fields:
/// a header with semicolons and no commas is read that way.
pub fn read_csv(text: &str) -> Result<CsvFile, Vec<String>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let header_line = text.lines().next().unwrap_or("");
    let delimiter = if header_line.contains(';') && !header_line.contains(',') {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_lowercase()).collect(),
        Err(_) => return Err(vec!["the file is not CSV text".into()]),
    };
    let mut problems = Vec::new();
    for c in &headers {
        if !CSV_COLUMNS.contains(&c.as_str()) {
            problems.push(format!(
                "unknown column '{c}'; the columns are: {}",
                CSV_COLUMNS.join(", ")
            ));
        }
    }
    for c in REQUIRED_COLUMNS {
        if !headers.iter().any(|h| h == c) {
            problems.push(format!("the column '{c}' is missing"));
        }
    }
    for (i, c) in headers.iter().enumerate() {
        if headers[..i].contains(c) {
            problems.push(format!("the column '{c}' is there twice"));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                return Err(vec![format!("line {line} could not be read as CSV")]);
            }
        };
        let line = record
            .position()
            .map_or(rows.len() + 2, |p| p.line() as usize);
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if record.len() != headers.len() {
            return Err(vec![format!(
                "line {line} has {} fields, the header {}",
                record.len(),
                headers.len()
            )]);
        }
        let mut input = StoreInput::default();
        for (h, value) in headers.iter().zip(record.iter()) {
            input.set_column(h, value.trim().to_string());
        }
        rows.push((line, input));
        if rows.len() > MAX_IMPORT_ROWS {
            return Err(vec![format!(
                "more than {MAX_IMPORT_ROWS} stores in one file"
            )]);
        }
    }
    if rows.is_empty() {
        return Err(vec!["the file has no stores".into()]);
    }
    Ok(CsvFile {
        columns: headers,
        rows,
    })
}

/// Import a stores file: with `dry_run`, or when any row has a problem, nothing is stored and
/// the report says what each row would do; otherwise every row is stored in one transaction.
/// Codes are the key: a row whose store exists updates it, a file imported twice changes
/// nothing the second time.
pub async fn import(
    db: &Db,
    actor: &Actor,
    text: &str,
    dry_run: bool,
    now: i64,
) -> ServiceResult<ImportReport> {
    require_admin(actor)?;
    let mut report = ImportReport {
        committed: false,
        dry_run,
        file_problems: Vec::new(),
        rows: Vec::new(),
        new_regions: Vec::new(),
        created: 0,
        updated: 0,
        unchanged: 0,
        refused: 0,
    };
    let file = match read_csv(text) {
        Ok(file) => file,
        Err(problems) => {
            report.file_problems = problems;
            return Ok(report);
        }
    };
    // A preview only reads; a commit is planned inside the transaction that stores it, so what
    // it reports is what was stored.
    if dry_run {
        let mut conn = db.pool.acquire().await?;
        plan(&mut conn, file, &mut report).await?;
        return Ok(report);
    }
    let mut tx = db.write_tx().await?;
    let (existing, mut regions, checked) = plan(&mut tx, file, &mut report).await?;
    if report.has_problems() {
        tx.rollback().await?;
        return Ok(report);
    }
    for fields in &checked {
        save(
            &mut tx,
            actor,
            now,
            fields,
            existing.get(&fields.code),
            &mut regions,
            true,
        )
        .await?;
    }
    tx.commit().await?;
    report.committed = true;
    tracing::info!(
        user_id = actor.user_id,
        created = report.created,
        updated = report.updated,
        "stores imported"
    );
    Ok(report)
}

/// What importing a file does to the stores as they are on `conn`: every row into `report`,
/// with the stores there were, the region ids and the rows that passed their checks.
async fn plan(
    conn: &mut AnyConnection,
    file: CsvFile,
    report: &mut ImportReport,
) -> ServiceResult<(
    HashMap<String, StoreRecordRow>,
    HashMap<String, i64>,
    Vec<StoreFields>,
)> {
    let existing = db_stores::stores_by_code(conn).await?;
    let regions = db_stores::region_ids(conn).await?;
    let mut checked = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (line, typed) in file.rows {
        let code = typed.code.trim().to_string();
        // A column the file does not have leaves that field of an existing store as it is.
        let mut input = existing
            .get(&code)
            .map(|old| old.fields().input())
            .unwrap_or_default();
        for c in &file.columns {
            input.set_column(c, typed.column(c).unwrap_or("").to_string());
        }
        let mut row = ImportRow {
            line,
            code,
            action: RowAction::Refused,
            changes: Vec::new(),
            problems: Vec::new(),
        };
        match input.check(known_zone) {
            Err(problems) => row.problems = problems,
            Ok(fields) => {
                if let Some(first) = seen.get(&fields.code) {
                    row.problems.push(FieldError::new(
                        "code",
                        format!("the same code as line {first}"),
                    ));
                } else {
                    seen.insert(fields.code.clone(), line);
                    let old = existing.get(&fields.code);
                    match old {
                        None => row.action = RowAction::Create,
                        Some(old) => {
                            let diff = changes(&old.fields(), &fields);
                            row.action = if diff.is_empty() {
                                RowAction::Unchanged
                            } else {
                                RowAction::Update
                            };
                            row.changes = diff.into_iter().map(|c| c.0.to_string()).collect();
                        }
                    }
                    if !regions.contains_key(&fields.region)
                        && !report.new_regions.contains(&fields.region)
                    {
                        report.new_regions.push(fields.region.clone());
                    }
                    checked.push(fields);
                }
            }
        }
        match row.action {
            RowAction::Create => report.created += 1,
            RowAction::Update => report.updated += 1,
            RowAction::Unchanged => report.unchanged += 1,
            RowAction::Refused => report.refused += 1,
        }
        report.rows.push(row);
    }
    Ok((existing, regions, checked))
}

/// Every store in the import's format: importing it back changes nothing.
pub async fn export_csv(db: &Db) -> ServiceResult<String> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let write_err = |e: csv::Error| ServiceError::Internal(e.to_string());
    out.write_record(CSV_COLUMNS).map_err(write_err)?;
    for row in db_stores::all_stores(db).await? {
        let input = view(&row).fields;
        let record: Vec<&str> = CSV_COLUMNS
            .iter()
            .map(|c| input.column(c).unwrap_or(""))
            .collect();
        out.write_record(record).map_err(write_err)?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| ServiceError::Internal(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_reads_by_column_name_in_any_order() {
        let file = read_csv(
            "\u{feff}Name,code,region,timezone\n\"Jing'an, West\",SH-1,East,Asia/Shanghai\n\n",
        )
        .expect("reads");
        assert_eq!(file.columns, vec!["name", "code", "region", "timezone"]);
        let rows = file.rows;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].0, 2);
        assert_eq!(rows[0].1.name, "Jing'an, West");
        assert_eq!(rows[0].1.code, "SH-1");
    }

    #[test]
    fn semicolon_files_from_localised_spreadsheets_read_too() {
        let file = read_csv("code;name;region;timezone\nM-1;Тверская;Центр;Europe/Moscow\n")
            .expect("reads");
        assert_eq!(file.rows[0].1.region, "Центр");
    }

    #[test]
    fn a_wrong_header_is_refused_as_a_whole() {
        let e = read_csv("code,name,colour\nA,B,red\n").expect_err("refused");
        assert!(e.iter().any(|p| p.contains("colour")), "{e:?}");
        assert!(e.iter().any(|p| p.contains("'region' is missing")), "{e:?}");
        assert!(read_csv("code,name,region,timezone\n").is_err());
        assert!(read_csv("code,name,region,timezone\nA,B\n").is_err());
    }

    #[test]
    fn time_zones_are_checked_against_the_iana_table() {
        assert!(known_zone("Asia/Shanghai") && known_zone("Europe/London"));
        assert!(!known_zone("Mars/Olympus") && !known_zone(""));
    }
}
