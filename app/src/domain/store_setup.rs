//! A store as an admin enters it (a form, a CSV row, a JSON body): every field as text,
//! checked into [`StoreFields`] with a message per wrong field. The form, the import preview
//! and the API all use this one check, so a row the preview accepts is a row the commit
//! stores.

use serde::{Deserialize, Serialize};

use super::answers::FieldError;
use super::opening_hours::WeekHours;

/// The columns of the stores CSV file, in order: the import reads them by name (any order,
/// unknown columns refused), the export writes them in this order.
pub const CSV_COLUMNS: [&str; 12] = [
    "code",
    "name",
    "name_zh_cn",
    "name_ru",
    "region",
    "address",
    "timezone",
    "latitude",
    "longitude",
    "phone",
    "opening_hours",
    "status",
];

/// Columns an import file must have.
pub const REQUIRED_COLUMNS: [&str; 4] = ["code", "name", "region", "timezone"];

/// Every field as typed. `status` is `open` or `closed` ('' keeps a store as it is and
/// opens a new one).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StoreInput {
    pub code: String,
    pub name: String,
    pub name_zh_cn: String,
    pub name_ru: String,
    pub region: String,
    pub address: String,
    pub timezone: String,
    pub latitude: String,
    pub longitude: String,
    pub phone: String,
    pub opening_hours: String,
    pub status: String,
}

/// A checked store.
#[derive(Clone, Debug, PartialEq)]
pub struct StoreFields {
    pub code: String,
    pub name: String,
    pub name_zh_cn: Option<String>,
    pub name_ru: Option<String>,
    pub region: String,
    pub address: String,
    pub timezone: String,
    /// Latitude and longitude in degrees (WGS 84), both or neither.
    pub location: Option<(f64, f64)>,
    pub phone: String,
    pub opening_hours: Option<WeekHours>,
    /// None: as it is (a new store opens).
    pub open: Option<bool>,
}

const MAX_CODE: usize = 32;
const MAX_NAME: usize = 200;
const MAX_ADDRESS: usize = 500;

/// Codes go into addresses (`/stores/SH-001/scorecard`) and QR codes: letters, digits and
/// `-`, `_`, `.`, starting with a letter or digit.
pub fn is_store_code(code: &str) -> bool {
    let mut chars = code.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && code.len() <= MAX_CODE
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn coordinate(text: &str, limit: f64) -> Result<Option<f64>, ()> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && v.abs() <= limit => Ok(Some(v)),
        _ => Err(()),
    }
}

fn optional(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_string())
}

impl StoreInput {
    /// Check every field; `known_zone` says whether a name is an IANA time zone (the zone
    /// table is the server's). All problems at once, so a form shows each beside its field.
    pub fn check(&self, known_zone: impl Fn(&str) -> bool) -> Result<StoreFields, Vec<FieldError>> {
        let mut errors = Vec::new();
        let code = self.code.trim();
        if code.is_empty() {
            errors.push(FieldError::new("code", "a code is required"));
        } else if !is_store_code(code) {
            errors.push(FieldError::new(
                "code",
                "letters, digits, '-', '_' or '.', at most 32, starting with a letter or digit",
            ));
        }
        let name = self.name.trim();
        if name.is_empty() {
            errors.push(FieldError::new("name", "a name is required"));
        }
        for (field, value) in [
            ("name", &self.name),
            ("name_zh_cn", &self.name_zh_cn),
            ("name_ru", &self.name_ru),
            ("region", &self.region),
        ] {
            if value.trim().chars().count() > MAX_NAME {
                errors.push(FieldError::new(field, "at most 200 characters"));
            }
        }
        if self.region.trim().is_empty() {
            errors.push(FieldError::new("region", "a region is required"));
        }
        if self.address.trim().chars().count() > MAX_ADDRESS {
            errors.push(FieldError::new("address", "at most 500 characters"));
        }
        let timezone = self.timezone.trim();
        if !known_zone(timezone) {
            errors.push(FieldError::new(
                "timezone",
                "an IANA time zone, such as Europe/London or Asia/Shanghai",
            ));
        }
        let latitude = coordinate(&self.latitude, 90.0);
        let longitude = coordinate(&self.longitude, 180.0);
        if latitude.is_err() {
            errors.push(FieldError::new(
                "latitude",
                "degrees between -90 and 90, such as 51.5072",
            ));
        }
        if longitude.is_err() {
            errors.push(FieldError::new(
                "longitude",
                "degrees between -180 and 180, such as -0.1276",
            ));
        }
        let location = match (latitude, longitude) {
            (Ok(Some(lat)), Ok(Some(lon))) => Some((lat, lon)),
            (Ok(None), Ok(None)) => None,
            (Ok(_), Ok(_)) => {
                errors.push(FieldError::new(
                    "longitude",
                    "give both latitude and longitude, or neither",
                ));
                None
            }
            _ => None,
        };
        let phone = self.phone.trim();
        if phone.chars().count() > 40
            || !phone
                .chars()
                .all(|c| c.is_ascii_digit() || " +-()./".contains(c))
        {
            errors.push(FieldError::new(
                "phone",
                "digits, spaces and + - ( ) only, such as +44 20 7946 0011",
            ));
        }
        let opening_hours = match self.opening_hours.trim() {
            "" => None,
            text => match WeekHours::parse(text) {
                Ok(h) => Some(h),
                Err(e) => {
                    errors.push(FieldError::new("opening_hours", e));
                    None
                }
            },
        };
        let open = match self.status.trim().to_lowercase().as_str() {
            "" => None,
            "open" => Some(true),
            "closed" => Some(false),
            _ => {
                errors.push(FieldError::new("status", "'open' or 'closed'"));
                None
            }
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(StoreFields {
            code: code.to_string(),
            name: name.to_string(),
            name_zh_cn: optional(&self.name_zh_cn),
            name_ru: optional(&self.name_ru),
            region: self.region.trim().to_string(),
            address: self.address.trim().to_string(),
            timezone: timezone.to_string(),
            location,
            phone: phone.to_string(),
            opening_hours,
            open,
        })
    }

    /// The value of a CSV column.
    pub fn column(&self, name: &str) -> Option<&str> {
        Some(match name {
            "code" => &self.code,
            "name" => &self.name,
            "name_zh_cn" => &self.name_zh_cn,
            "name_ru" => &self.name_ru,
            "region" => &self.region,
            "address" => &self.address,
            "timezone" => &self.timezone,
            "latitude" => &self.latitude,
            "longitude" => &self.longitude,
            "phone" => &self.phone,
            "opening_hours" => &self.opening_hours,
            "status" => &self.status,
            _ => return None,
        })
    }

    /// Set a CSV column; false for a column there is not.
    pub fn set_column(&mut self, name: &str, value: String) -> bool {
        let slot = match name {
            "code" => &mut self.code,
            "name" => &mut self.name,
            "name_zh_cn" => &mut self.name_zh_cn,
            "name_ru" => &mut self.name_ru,
            "region" => &mut self.region,
            "address" => &mut self.address,
            "timezone" => &mut self.timezone,
            "latitude" => &mut self.latitude,
            "longitude" => &mut self.longitude,
            "phone" => &mut self.phone,
            "opening_hours" => &mut self.opening_hours,
            "status" => &mut self.status,
            _ => return false,
        };
        *slot = value;
        true
    }
}

impl StoreFields {
    /// Back to text, as the form and the export show it (reads back to the same fields).
    pub fn input(&self) -> StoreInput {
        let (latitude, longitude) = self
            .location
            .map_or((String::new(), String::new()), |(a, b)| {
                (a.to_string(), b.to_string())
            });
        StoreInput {
            code: self.code.clone(),
            name: self.name.clone(),
            name_zh_cn: self.name_zh_cn.clone().unwrap_or_default(),
            name_ru: self.name_ru.clone().unwrap_or_default(),
            region: self.region.clone(),
            address: self.address.clone(),
            timezone: self.timezone.clone(),
            latitude,
            longitude,
            phone: self.phone.clone(),
            opening_hours: self.opening_hours.map(|h| h.text()).unwrap_or_default(),
            status: match self.open {
                Some(true) => "open".into(),
                Some(false) => "closed".into(),
                None => String::new(),
            },
        }
    }
}

/// The fields that differ from `old` to `new`, each with its old and new text. The code is
/// the key and never changes; a status of "as it is" (None) is no change.
pub fn changes(old: &StoreFields, new: &StoreFields) -> Vec<(&'static str, String, String)> {
    let (a, b) = (old.input(), new.input());
    CSV_COLUMNS
        .iter()
        .filter(|c| **c != "code" && !(**c == "status" && new.open.is_none()))
        .filter_map(|c| {
            let (x, y) = (a.column(c).unwrap_or(""), b.column(c).unwrap_or(""));
            (x != y).then(|| (*c, x.to_string(), y.to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(z: &str) -> bool {
        matches!(z, "Europe/London" | "Asia/Shanghai")
    }

    fn good() -> StoreInput {
        StoreInput {
            code: "SH-001".into(),
            name: "Jing'an".into(),
            name_zh_cn: "静安店".into(),
            region: "East".into(),
            address: "1 West Nanjing Road".into(),
            timezone: "Asia/Shanghai".into(),
            latitude: "31.2304".into(),
            longitude: "121.4737".into(),
            phone: "+86 21 5555 0100".into(),
            opening_hours: "Mon-Fri 09:00-21:00; Sat-Sun 10:00-22:00".into(),
            ..StoreInput::default()
        }
    }

    fn fields_wrong(input: &StoreInput) -> Vec<String> {
        input
            .check(zone)
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn a_complete_store_is_accepted_and_reads_back_the_same() {
        let fields = good().check(zone).expect("valid");
        assert_eq!(fields.location, Some((31.2304, 121.4737)));
        assert_eq!(fields.name_ru, None);
        assert_eq!(fields.input().check(zone), Ok(fields));
    }

    #[test]
    fn every_wrong_field_is_named_at_once() {
        let input = StoreInput {
            code: "SH 001/../x".into(),
            name: " ".into(),
            timezone: "Mars/Olympus".into(),
            latitude: "91".into(),
            longitude: "east".into(),
            phone: "call me".into(),
            opening_hours: "always".into(),
            status: "maybe".into(),
            ..StoreInput::default()
        };
        assert_eq!(
            fields_wrong(&input),
            vec![
                "code",
                "name",
                "region",
                "timezone",
                "latitude",
                "longitude",
                "phone",
                "opening_hours",
                "status"
            ]
        );
    }

    #[test]
    fn a_location_needs_both_coordinates() {
        let mut input = good();
        input.longitude.clear();
        assert_eq!(fields_wrong(&input), vec!["longitude"]);
        input.latitude.clear();
        assert_eq!(input.check(zone).map(|f| f.location), Ok(None));
    }

    #[test]
    fn changes_name_the_fields_that_differ_and_keep_an_unset_status() {
        let old = good().check(zone).expect("valid");
        let mut typed = good();
        typed.address = "2 West Nanjing Road".into();
        typed.opening_hours = "Mon-Sun 10:00-22:00".into();
        let new = typed.check(zone).expect("valid");
        let fields: Vec<&str> = changes(&old, &new).iter().map(|c| c.0).collect();
        assert_eq!(fields, vec!["address", "opening_hours"]);
        assert!(changes(&old, &old).is_empty());
        let mut closed = old.clone();
        closed.open = Some(false);
        let mut open_old = old.clone();
        open_old.open = Some(true);
        assert_eq!(
            changes(&open_old, &closed),
            vec![("status", "open".into(), "closed".into())]
        );
    }

    #[test]
    fn codes_are_safe_in_an_address() {
        for ok in ["SH-001", "n1", "A.B_C"] {
            assert!(is_store_code(ok), "{ok}");
        }
        for bad in ["", "-x", "a b", "a/b", "ä", &"x".repeat(33)] {
            assert!(!is_store_code(bad), "{bad}");
        }
    }

    #[test]
    fn every_csv_column_is_a_field() {
        let mut input = StoreInput::default();
        for (i, c) in CSV_COLUMNS.iter().enumerate() {
            assert!(input.set_column(c, i.to_string()));
            assert_eq!(input.column(c), Some(i.to_string().as_str()));
        }
        assert!(!input.set_column("colour", "red".into()));
        assert!(REQUIRED_COLUMNS.iter().all(|c| CSV_COLUMNS.contains(c)));
    }
}
