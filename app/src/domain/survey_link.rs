//! Where a customer's QR code was placed. Carried in the survey link (`?ch=till`) so answers
//! from the till, a receipt or a table can be told apart.

use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum ChannelTag {
    Till,
    Receipt,
    Table,
}

impl ChannelTag {
    pub const ALL: [ChannelTag; 3] = [ChannelTag::Till, ChannelTag::Receipt, ChannelTag::Table];

    pub fn as_str(self) -> &'static str {
        match self {
            ChannelTag::Till => "till",
            ChannelTag::Receipt => "receipt",
            ChannelTag::Table => "table",
        }
    }

    /// Unknown tags read as none: a mistyped link still opens the survey.
    pub fn parse(s: &str) -> Option<ChannelTag> {
        ChannelTag::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_read_back_what_they_write_and_ignore_anything_else() {
        for t in ChannelTag::ALL {
            assert_eq!(ChannelTag::parse(t.as_str()), Some(t));
        }
        assert_eq!(ChannelTag::parse("Till"), None);
        assert_eq!(ChannelTag::parse(""), None);
    }
}
