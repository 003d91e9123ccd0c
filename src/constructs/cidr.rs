use std::fmt;
use std::net::Ipv4Addr;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An IPv4 range in CIDR notation, e.g. `10.10.0.0/20`, with no host bits
/// set (Google Cloud rejects ranges like `10.10.0.1/20`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cidr {
    addr: Ipv4Addr,
    prefix: u8,
}

/// Why a string is not a [`Cidr`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CidrError {
    /// Not `ADDRESS/PREFIX` with an IPv4 address and a prefix of 0 to 32.
    #[error("{0:?} is not an IPv4 CIDR range like 10.0.0.0/16")]
    Syntax(String),
    /// Host bits are set below the prefix.
    #[error("{given:?} has host bits set; the range starts at {canonical}")]
    HostBits {
        /// What was given.
        given: String,
        /// The range it lies in.
        canonical: String,
    },
}

impl Cidr {
    /// The first address of the range.
    pub fn addr(&self) -> Ipv4Addr {
        self.addr
    }

    /// The prefix length.
    pub fn prefix(&self) -> u8 {
        self.prefix
    }

    fn mask(&self) -> u32 {
        if self.prefix == 0 {
            0
        } else {
            u32::MAX << (32 - u32::from(self.prefix))
        }
    }

    /// Whether the two ranges share any address.
    pub fn overlaps(&self, other: &Cidr) -> bool {
        let shorter = if self.prefix <= other.prefix {
            self
        } else {
            other
        };
        let m = shorter.mask();
        u32::from(self.addr) & m == u32::from(other.addr) & m
    }
}

impl FromStr for Cidr {
    type Err = CidrError;

    fn from_str(s: &str) -> Result<Self, CidrError> {
        let syntax = || CidrError::Syntax(s.to_owned());
        let (addr, prefix) = s.split_once('/').ok_or_else(syntax)?;
        let addr: Ipv4Addr = addr.parse().map_err(|_| syntax())?;
        if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) {
            return Err(syntax());
        }
        let prefix: u8 = prefix.parse().map_err(|_| syntax())?;
        if prefix > 32 {
            return Err(syntax());
        }
        let cidr = Cidr { addr, prefix };
        let canonical = Ipv4Addr::from(u32::from(addr) & cidr.mask());
        if canonical != addr {
            return Err(CidrError::HostBits {
                given: s.to_owned(),
                canonical: format!("{canonical}/{prefix}"),
            });
        }
        Ok(cidr)
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

impl Serialize for Cidr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Cidr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_ranges_parse_and_print_unchanged() {
        for s in ["10.10.0.0/20", "0.0.0.0/0", "192.168.1.7/32"] {
            assert_eq!(s.parse::<Cidr>().unwrap().to_string(), s);
        }
    }

    #[test]
    fn malformed_ranges_and_host_bits_are_rejected_with_the_fix() {
        for s in [
            "10.0.0.0",
            "10.0.0.0/33",
            "10.0.0/8",
            "10.0.0.0/",
            "x/8",
            "10.0.0.0/+8",
        ] {
            assert!(
                matches!(s.parse::<Cidr>(), Err(CidrError::Syntax(_))),
                "{s}"
            );
        }
        assert_eq!(
            "10.10.0.1/20".parse::<Cidr>().unwrap_err().to_string(),
            "\"10.10.0.1/20\" has host bits set; the range starts at 10.10.0.0/20"
        );
    }

    #[test]
    fn overlap_is_detected_in_both_directions() {
        let a: Cidr = "10.0.0.0/14".parse().unwrap();
        let b: Cidr = "10.2.0.0/20".parse().unwrap();
        let c: Cidr = "10.4.0.0/20".parse().unwrap();
        assert!(a.overlaps(&b) && b.overlaps(&a));
        assert!(!a.overlaps(&c) && !c.overlaps(&a));
    }
}
