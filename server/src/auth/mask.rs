//! Masking of personal data by role, in one layer: handlers put personal values in these
//! types, and serialisation masks them for the current caller and counts them for the audit
//! log. The clerk, the officer and the auditor see full values; everyone else sees ID numbers,
//! phones and bank accounts masked; the public also sees names partly hidden and no amounts;
//! an appraiser sees amounts only of the projects their firm is appointed to.

use std::sync::atomic::Ordering;

use serde::{Serialize, Serializer};

use crate::base::Role;
use crate::base::context::with_context;

fn viewer_role() -> Role {
    with_context(|c| c.principal.role).unwrap_or(Role::Public)
}

fn sees_full_personal_data(role: Role) -> bool {
    matches!(role, Role::Clerk | Role::Officer | Role::Director | Role::Auditor)
}

fn count(unmasked: bool) {
    with_context(|c| {
        if unmasked { &c.personal_unmasked } else { &c.personal_masked }.fetch_add(1, Ordering::Relaxed);
    });
}

/// Keeps the first `head` and last `tail` characters, stars in between.
pub fn keep_ends(s: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= head + tail {
        return "*".repeat(chars.len());
    }
    let mut out: String = chars[..head].iter().collect();
    out.push_str(&"*".repeat(chars.len() - head - tail));
    out.extend(&chars[chars.len() - tail..]);
    out
}

/// 张三 → 张*, 张小三 → 张*三, 欧阳小三 → 欧**三.
pub fn mask_name(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    match chars.len() {
        0 | 1 => s.to_owned(),
        2 => format!("{}*", chars[0]),
        n => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
    }
}

macro_rules! personal {
    ($name:ident, $doc:literal, $mask:expr, $masked_for:expr) => {
        #[doc = $doc]
        #[derive(Debug, Clone, PartialEq, Eq, sqlx::Type)]
        #[sqlx(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// The value as the current caller may see it (masked or not), counted for the
            /// audit log: what goes into an API response.
            pub fn shown(&self) -> String {
                let masked: fn(Role) -> bool = $masked_for;
                if masked(viewer_role()) {
                    count(false);
                    let f: fn(&str) -> String = $mask;
                    f(&self.0)
                } else {
                    count(true);
                    self.0.clone()
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.shown())
            }
        }
    };
}

personal!(IdNumber, "证件号码: first 6 and last 4 characters kept when masked.", |v| keep_ends(v, 6, 4), |r| {
    !sees_full_personal_data(r)
});
personal!(Phone, "联系电话: first 3 and last 4 digits kept when masked.", |v| keep_ends(v, 3, 4), |r| {
    !sees_full_personal_data(r)
});
personal!(BankAccount, "银行账号: first 4 and last 4 digits kept when masked.", |v| keep_ends(v, 4, 4), |r| {
    !sees_full_personal_data(r)
});
personal!(PersonName, "权利人姓名: partly hidden for the public only.", mask_name, |r| r == Role::Public);

/// A compensation amount (yuan) of a project: hidden from the public and from appraisers of
/// other firms.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Amount {
    pub project_id: i64,
    pub yuan: f64,
}

impl Amount {
    /// The amount if the current caller may see it: what goes into an API response.
    pub fn shown(&self) -> Option<f64> {
        let visible = with_context(|c| match c.principal.role {
            Role::Public => false,
            Role::Appraiser => c.principal.can_see_project(self.project_id),
            _ => true,
        })
        .unwrap_or(false);
        visible.then_some(self.yuan)
    }
}

/// An amount that is not a compensation (a mortgage's secured amount): shown to every role
/// but the public, which sees no amounts.
pub fn non_public_amount(yuan: Option<f64>) -> Option<f64> {
    let public = with_context(|c| c.principal.role == Role::Public).unwrap_or(true);
    if public { None } else { yuan }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.shown() {
            Some(yuan) => s.serialize_f64(yuan),
            None => s.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks() {
        assert_eq!(keep_ends("410825199001011234", 6, 4), "410825********1234");
        assert_eq!(keep_ends("13812345678", 3, 4), "138****5678");
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("张小三"), "张*三");
        assert_eq!(mask_name("欧阳小三"), "欧**三");
        // Outside a request nothing is shown unmasked.
        assert_eq!(serde_json::to_string(&IdNumber("410825199001011234".into())).unwrap(), "\"410825********1234\"");
        assert_eq!(serde_json::to_string(&Amount { project_id: 1, yuan: 5.0 }).unwrap(), "null");
    }
}
