//! The fixed vocabulary of the demo business; question sets and tests name these values.

/// (code, name)
pub const COMPANIES: [(&str, &str); 2] = [
    ("SIAM", "Siam Sport Co., Ltd."),
    ("LANNA", "Lanna Outdoor Co., Ltd."),
];

/// (name, code, company code, is warehouse)
pub const STORES: [(&str, &str, &str, bool); 7] = [
    ("Bangkok Siam", "BKK-SIAM", "SIAM", false),
    ("Bangkok Ladprao", "BKK-LPR", "SIAM", false),
    ("Phuket Central", "HKT", "SIAM", false),
    ("Khon Kaen", "KKC", "SIAM", false),
    ("Chiang Mai Nimman", "CNX", "LANNA", false),
    ("Main Warehouse Bangna", "WH-BNA", "SIAM", true),
    ("Lanna Warehouse", "WH-LNA", "LANNA", true),
];

pub const BRANDS: [&str; 10] = [
    "Stride",
    "Peak Motion",
    "Aero",
    "Kinetic",
    "Trailhead",
    "Urban Step",
    "Zenfit",
    "Monsoon Gear",
    "Siam Classic",
    "Coral Bay",
];

/// (category, subcategory)
pub const CATEGORIES: [(&str, &str); 9] = [
    ("Footwear", "Running"),
    ("Footwear", "Lifestyle"),
    ("Footwear", "Sandals"),
    ("Apparel", "Tops"),
    ("Apparel", "Bottoms"),
    ("Apparel", "Outerwear"),
    ("Accessories", "Bags"),
    ("Accessories", "Caps"),
    ("Equipment", "Fitness"),
];

pub const GENDERS: [&str; 4] = ["Men", "Women", "Kids", "Unisex"];

pub const SEASONS: [&str; 7] = ["SS24", "AW24", "SS25", "AW25", "SS26", "AW26", "Core"];

/// Suppliers, in the order of [`BRANDS`] (supplier i mainly supplies brand i).
pub const SUPPLIERS: [&str; 10] = [
    "Stride Trading Asia",
    "Peak Motion Thailand",
    "Aero Sports Distribution",
    "Kinetic Supply Co.",
    "Trailhead Outfitters",
    "Urban Step Import",
    "Zenfit Global",
    "Monsoon Gear Factory",
    "Siam Classic Manufacturing",
    "Coral Bay Trading",
];

pub const SEGMENTS: [&str; 3] = ["retail", "online", "wholesale"];

/// Wholesale accounts named in demo-data.md; the generator adds more to reach about 40.
pub const NAMED_WHOLESALE_CUSTOMERS: [&str; 3] =
    ["Korat Sports Mart", "Hat Yai Runners", "Udon Active"];

pub const HELPDESK_TEAMS: [&str; 2] = ["Customer Care", "Online Orders"];

pub const HELPDESK_STAGES: [&str; 5] = [
    "New",
    "In Progress",
    "Waiting Customer",
    "Solved",
    "Cancelled",
];

pub const PURCHASE_STATES: [&str; 5] = ["draft", "sent", "purchase", "done", "cancel"];
