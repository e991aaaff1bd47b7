//! Licence classes of the two systems docseal models, and what each class implies.
//!
//! China: the 2022 class table of 公安部令第162号 (docs/DOMAIN.md 2.4). ISO/IEC 18013-1 and EU:
//! the categories of Directive 2006/126/EC Art. 4 with the equivalences of its Art. 6.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Which class table a licence uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ClassSystem {
    /// China's classes (准驾车型): A1 … P.
    #[serde(rename = "CN")]
    China,
    /// ISO/IEC 18013-1 / EU categories: AM … DE.
    #[serde(rename = "ISO")]
    Iso,
}

macro_rules! class_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[allow(missing_docs)]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            /// Every class of this system, in table order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The printed code (`C1`, `BE`, …).
            #[must_use]
            pub const fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            const fn bit(self) -> u32 {
                1 << (self as u32)
            }
        }

        impl FromStr for $name {
            type Err = ();
            fn from_str(s: &str) -> Result<Self, ()> {
                match s { $($code => Ok($name::$variant),)+ _ => Err(()) }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

class_enum!(
    /// China's licence classes (准驾车型代号), version in force since 2022-04-01.
    ChinaClass {
        /// 大型客车 large bus.
        A1 = "A1",
        /// 重型牵引挂车 heavy tractor-trailer (> 4,500 kg).
        A2 = "A2",
        /// 城市公交车 city bus.
        A3 = "A3",
        /// 中型客车 medium bus.
        B1 = "B1",
        /// 大型货车 large truck.
        B2 = "B2",
        /// 小型汽车 small car.
        C1 = "C1",
        /// 小型自动挡汽车 small automatic car.
        C2 = "C2",
        /// 低速载货汽车 low-speed truck.
        C3 = "C3",
        /// 三轮汽车 three-wheeled vehicle.
        C4 = "C4",
        /// 残疾人专用小型自动挡载客汽车 adapted automatic car.
        C5 = "C5",
        /// 轻型牵引挂车 light tractor-trailer (< 4,500 kg), new in 2022.
        C6 = "C6",
        /// 普通三轮摩托车 three-wheeled motorcycle.
        D = "D",
        /// 普通二轮摩托车 two-wheeled motorcycle.
        E = "E",
        /// 轻便摩托车 moped.
        F = "F",
        /// 轮式专用机械车 wheeled special machinery.
        M = "M",
        /// 无轨电车 trolleybus.
        N = "N",
        /// 有轨电车 tram.
        P = "P",
    }
);

class_enum!(
    /// ISO/IEC 18013-1 / EU Directive 2006/126/EC categories.
    IsoCategory {
        AM = "AM", A1 = "A1", A2 = "A2", A = "A", B1 = "B1", B = "B", BE = "BE",
        C1 = "C1", C1E = "C1E", C = "C", CE = "CE", D1 = "D1", D1E = "D1E", D = "D", DE = "DE",
    }
);

impl ChinaClass {
    /// The classes this one directly authorises besides itself (准予驾驶的其他准驾车型).
    #[must_use]
    pub const fn directly_implies(self) -> &'static [ChinaClass] {
        use ChinaClass::*;
        match self {
            A1 => &[A3, B1, B2, C1, C2, C3, C4, M],
            // A2 covers the light tractor-trailer C6 since 2022; C1 does not.
            A2 => &[B1, B2, C1, C2, C3, C4, C6, M],
            A3 => &[C1, C2, C3, C4],
            B1 | B2 => &[C1, C2, C3, C4, M],
            // docs/DOMAIN.md: most sources list C2, C3, C4 for C1; we follow them.
            C1 => &[C2, C3, C4],
            C3 => &[C4],
            D => &[E, F],
            E => &[F],
            C2 | C4 | C5 | C6 | F | M | N | P => &[],
        }
    }

    /// Whether this class needs a yearly medical certificate (docs/DOMAIN.md 2.4).
    #[must_use]
    pub const fn needs_annual_medical(self) -> bool {
        matches!(self, Self::A1 | Self::A2 | Self::A3 | Self::B1 | Self::B2)
    }
}

impl IsoCategory {
    /// Categories this one covers (Directive 2006/126/EC Art. 6(1) and 6(3); the coverage of
    /// AM by A1, A2, A and B is Art. 6(3)(b), read from secondary sources).
    #[must_use]
    pub const fn directly_implies(self) -> &'static [IsoCategory] {
        use IsoCategory::*;
        match self {
            A => &[A2],
            A2 => &[A1],
            A1 => &[AM],
            B => &[B1, AM],
            C => &[C1],
            D => &[D1],
            CE => &[C1E, BE],
            DE => &[D1E, BE],
            C1E | D1E => &[BE],
            AM | B1 | BE | C1 | D1 => &[],
        }
    }

    /// The category a holder must already have to be granted this one (Art. 4(4)).
    #[must_use]
    pub const fn prerequisite(self) -> Option<IsoCategory> {
        use IsoCategory::*;
        match self {
            BE | C1 | C | D1 | D => Some(B),
            C1E => Some(C1),
            CE => Some(C),
            D1E => Some(D1),
            DE => Some(D),
            AM | A1 | A2 | A | B1 | B => None,
        }
    }
}

/// A class of either system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VehicleClass {
    /// A Chinese class.
    China(ChinaClass),
    /// An ISO / EU category.
    Iso(IsoCategory),
}

impl VehicleClass {
    /// Reads a printed code in the given system.
    #[must_use]
    pub fn parse(system: ClassSystem, code: &str) -> Option<Self> {
        match system {
            ClassSystem::China => code.parse().ok().map(Self::China),
            ClassSystem::Iso => code.parse().ok().map(Self::Iso),
        }
    }

    /// The printed code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::China(c) => c.code(),
            Self::Iso(c) => c.code(),
        }
    }

    /// The system the class belongs to.
    #[must_use]
    pub const fn system(self) -> ClassSystem {
        match self {
            Self::China(_) => ClassSystem::China,
            Self::Iso(_) => ClassSystem::Iso,
        }
    }
}

impl fmt::Display for VehicleClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A set of classes of one system, closed under implication on demand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct ClassSet {
    china: u32,
    iso: u32,
}

impl ClassSet {
    pub(crate) fn insert(&mut self, class: VehicleClass) {
        match class {
            VehicleClass::China(c) => self.china |= c.bit(),
            VehicleClass::Iso(c) => self.iso |= c.bit(),
        }
    }

    pub(crate) fn remove(&mut self, class: VehicleClass) {
        match class {
            VehicleClass::China(c) => self.china &= !c.bit(),
            VehicleClass::Iso(c) => self.iso &= !c.bit(),
        }
    }

    pub(crate) fn contains(&self, class: VehicleClass) -> bool {
        match class {
            VehicleClass::China(c) => self.china & c.bit() != 0,
            VehicleClass::Iso(c) => self.iso & c.bit() != 0,
        }
    }

    /// The transitive closure under "directly implies" (a fixed point over at most 17 bits).
    pub(crate) fn closure(mut self) -> Self {
        loop {
            let before = self;
            for &c in ChinaClass::ALL {
                if self.china & c.bit() != 0 {
                    for &i in c.directly_implies() {
                        self.china |= i.bit();
                    }
                }
            }
            for &c in IsoCategory::ALL {
                if self.iso & c.bit() != 0 {
                    for &i in c.directly_implies() {
                        self.iso |= i.bit();
                    }
                }
            }
            if self == before {
                return self;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn permits(held: &[ChinaClass], wanted: ChinaClass) -> bool {
        let mut set = ClassSet::default();
        for &h in held {
            set.insert(VehicleClass::China(h));
        }
        set.closure().contains(VehicleClass::China(wanted))
    }

    #[test]
    fn china_table_is_transitive() {
        use ChinaClass::*;
        assert!(permits(&[A1], C1));
        assert!(permits(&[A1], M));
        assert!(!permits(&[A1], A2));
        assert!(permits(&[C1], C2));
        assert!(permits(&[C1], C4));
        assert!(!permits(&[C1], C6));
        assert!(permits(&[A2], C6));
        assert!(permits(&[A1], C4), "A1 => A3 => C3 => C4");
        assert!(permits(&[D], F), "D => E => F");
        assert!(!permits(&[C2], C1));
    }

    #[test]
    fn iso_equivalences() {
        let mut set = ClassSet::default();
        set.insert(VehicleClass::Iso(IsoCategory::CE));
        let closed = set.closure();
        assert!(closed.contains(VehicleClass::Iso(IsoCategory::C1E)));
        assert!(closed.contains(VehicleClass::Iso(IsoCategory::BE)));
        assert!(!closed.contains(VehicleClass::Iso(IsoCategory::D1E)));
        let mut a = ClassSet::default();
        a.insert(VehicleClass::Iso(IsoCategory::A));
        assert!(a.closure().contains(VehicleClass::Iso(IsoCategory::AM)));
    }

    #[test]
    fn codes_round_trip() {
        for &c in ChinaClass::ALL {
            assert_eq!(VehicleClass::parse(ClassSystem::China, c.code()), Some(VehicleClass::China(c)));
        }
        for &c in IsoCategory::ALL {
            assert_eq!(VehicleClass::parse(ClassSystem::Iso, c.code()), Some(VehicleClass::Iso(c)));
        }
        assert_eq!(VehicleClass::parse(ClassSystem::China, "BE"), None);
        assert_eq!(VehicleClass::parse(ClassSystem::Iso, "C6"), None);
    }
}
