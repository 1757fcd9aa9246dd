//! Master data of the demo business: companies, stores, suppliers, customers and the product
//! catalogue, with what the simulation needs to know about each product (popularity, selling
//! window, the few planned dead-stock and short-supply lines).

use analyst_core::rows::{
    Company, Customer, Product, Satang, Store, StoreKind, Supplier, SupplierProduct,
};
use chrono::{Datelike, Duration, NaiveDate};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::names::{
    BRANDS, CATEGORIES, COMPANIES, NAMED_WHOLESALE_CUSTOMERS, SEASONS, STORES, SUPPLIERS,
};
use crate::{DemoConfig, MasterData};

/// Index of a location in [`STORES`] order; the last two are the warehouses.
pub(crate) type Location = usize;
pub(crate) const LOCATIONS: usize = STORES.len();
pub(crate) const WAREHOUSE_SIAM: Location = 5;
pub(crate) const WAREHOUSE_LANNA: Location = 6;

/// The company (index in [`COMPANIES`]) a location belongs to.
pub(crate) fn company_of(location: Location) -> usize {
    let code = STORES[location].2;
    COMPANIES.iter().position(|(c, _)| *c == code).unwrap_or(0)
}

/// The warehouse that replenishes a location (a warehouse replenishes itself from suppliers).
pub(crate) fn warehouse_of(location: Location) -> Location {
    if company_of(location) == 0 {
        WAREHOUSE_SIAM
    } else {
        WAREHOUSE_LANNA
    }
}

pub(crate) fn is_warehouse(location: Location) -> bool {
    STORES[location].3
}

/// What each brand makes: (index in [`CATEGORIES`], number of product lines).
const BRAND_RANGES: [&[(usize, usize)]; 10] = [
    &[(0, 9), (1, 4), (3, 4), (4, 3)], // Stride
    &[(0, 5), (3, 4), (5, 4), (7, 2)], // Peak Motion
    &[(0, 5), (1, 4), (3, 3)],         // Aero
    &[(3, 4), (4, 4), (8, 4)],         // Kinetic
    &[(0, 3), (2, 3), (5, 3), (6, 3)], // Trailhead
    &[(1, 6), (2, 3)],                 // Urban Step
    &[(8, 5), (3, 3), (4, 3)],         // Zenfit
    &[(5, 4), (6, 3), (7, 2)],         // Monsoon Gear
    &[(2, 4), (1, 3), (3, 2)],         // Siam Classic
    &[(2, 3), (7, 2), (6, 2), (3, 2)], // Coral Bay
];

/// How much each brand sells, relative to the others.
const BRAND_WEIGHT: [f64; 10] = [1.6, 1.3, 1.1, 1.0, 0.8, 0.9, 0.7, 0.6, 0.8, 0.5];

/// SKU prefix of each brand.
const BRAND_CODE: [&str; 10] = [
    "STR", "PKM", "AER", "KIN", "TRH", "URB", "ZEN", "MSG", "SCL", "CRB",
];

/// Model words; none is a word the analyst reads as something else (a store, a month…).
const MODELS: [&str; 40] = [
    "Pace", "Velocity", "Tempo", "Glide", "Swift", "Apex", "Drift", "Vista", "Ridge", "Summit",
    "Flow", "Nova", "Pulse", "Breeze", "Harbor", "Lagoon", "Trek", "Metro", "Orbit", "Ember",
    "Falcon", "Comet", "Sierra", "Canyon", "Delta", "Echo", "Fjord", "Granite", "Horizon", "Jade",
    "Kestrel", "Lotus", "Mesa", "Nimbus", "Onyx", "Prism", "Quartz", "Rapid", "Sable", "Tundra",
];

/// Product types of each category in [`CATEGORIES`] order.
const TYPES: [&[&str]; 9] = [
    &["Runner", "Racer", "Trainer"],
    &["Sneaker", "Court", "Slip-On"],
    &["Sandal", "Slide", "Flip-Flop"],
    &["Tee", "Tank", "Polo", "Jersey"],
    &["Shorts", "Tights", "Joggers", "Pants"],
    &["Jacket", "Windbreaker", "Rain Shell", "Hoodie"],
    &["Backpack", "Duffel", "Waist Bag"],
    &["Cap", "Visor", "Bucket Hat"],
    &["Yoga Mat", "Resistance Band", "Dumbbell Set", "Foam Roller"],
];

/// List price range (baht) of each category in [`CATEGORIES`] order.
const PRICE_RANGE: [(i64, i64); 9] = [
    (2490, 5990),
    (1990, 3990),
    (390, 1490),
    (490, 1290),
    (690, 1890),
    (1490, 4490),
    (790, 2990),
    (290, 790),
    (390, 2490),
];

/// Colours with their SKU codes; the first ones sell best.
const COLORS: [(&str, &str); 10] = [
    ("Black", "BLK"),
    ("White", "WHT"),
    ("Navy", "NVY"),
    ("Grey", "GRY"),
    ("Blue", "BLU"),
    ("Red", "RED"),
    ("Green", "GRN"),
    ("Pink", "PNK"),
    ("Orange", "ORG"),
    ("Beige", "BEI"),
];

const APPAREL_SIZES: [&str; 6] = ["XS", "S", "M", "L", "XL", "XXL"];

/// Lead time (days), minimum order quantity and carton size of each supplier.
pub(crate) const SUPPLIER_TERMS: [(i32, i32, i32); 10] = [
    (35, 24, 6),
    (28, 12, 6),
    (42, 24, 12),
    (21, 12, 12),
    (30, 12, 6),
    (45, 24, 12),
    (21, 6, 6),
    (28, 12, 12),
    (14, 6, 6),
    (18, 12, 12),
];

/// Romanised Thai given names and family names for retail and online customers.
const GIVEN_NAMES: [&str; 50] = [
    "Somchai",
    "Somsak",
    "Sompong",
    "Anong",
    "Arunee",
    "Boonmee",
    "Chaiya",
    "Chanida",
    "Kanya",
    "Kittisak",
    "Kanokwan",
    "Malai",
    "Narong",
    "Nattapong",
    "Niran",
    "Nittaya",
    "Pornthip",
    "Prasert",
    "Preecha",
    "Rattana",
    "Siriporn",
    "Somporn",
    "Sunee",
    "Supachai",
    "Suda",
    "Surasak",
    "Thanakorn",
    "Thanyarat",
    "Wanida",
    "Warunee",
    "Wichai",
    "Yupin",
    "Apinya",
    "Benjawan",
    "Chalerm",
    "Duangjai",
    "Jintana",
    "Kamol",
    "Lamai",
    "Manop",
    "Orathai",
    "Pimchanok",
    "Ratchanee",
    "Sakchai",
    "Thitima",
    "Weerachai",
    "Yaowalak",
    "Anan",
    "Chatchai",
    "Panida",
];
const FAMILY_NAMES: [&str; 40] = [
    "Jaidee",
    "Srisuk",
    "Saetang",
    "Chaiyaporn",
    "Wongsawat",
    "Rattanakul",
    "Boonyasit",
    "Thongchai",
    "Kaewmanee",
    "Phromma",
    "Suksawat",
    "Sombat",
    "Inthara",
    "Chantharat",
    "Khamwong",
    "Pholsri",
    "Rungruang",
    "Siriwan",
    "Tangsiri",
    "Yodsuwan",
    "Srisawat",
    "Panyawong",
    "Charoensuk",
    "Kittikhun",
    "Maneerat",
    "Nakprasert",
    "Ounjai",
    "Petcharat",
    "Saelim",
    "Thammasak",
    "Wattana",
    "Yimyam",
    "Buasri",
    "Chaisiri",
    "Detkhong",
    "Intharak",
    "Klinhom",
    "Lertsiri",
    "Meesuk",
    "Noonin",
];

/// Wholesale accounts beyond the three named in demo-data.md (about 40 in all).
const MORE_WHOLESALE_CUSTOMERS: [&str; 37] = [
    "Phitsanulok Sport Hub",
    "Rayong Fitness Supply",
    "Surat Outdoor Supply",
    "Nakhon Sawan Sports",
    "Hua Hin Beach Sports",
    "Lampang Athletics",
    "Ubon Sport House",
    "Songkhla Active Wear",
    "Krabi Dive and Trek",
    "Pattaya Sports World",
    "Trang Runners",
    "Nan Trail Supply",
    "Mae Sai Adventure",
    "Ayutthaya Sport Plaza",
    "Sukhothai Sports",
    "Lopburi Fitness Shop",
    "Phetchabun Outdoor",
    "Mukdahan Sports",
    "Nong Khai Active",
    "Sakon Sport Mart",
    "Buriram Football Shop",
    "Roi Et Sports",
    "Yala Sport Depot",
    "Kanchanaburi Trek Shop",
    "Ratchaburi Sport",
    "Samut Prakan Sports Depot",
    "Nonthaburi Run Shop",
    "Pathum Thani Fitness",
    "Saraburi Sports",
    "Prachuap Beach Sport",
    "Chumphon Outdoor",
    "Ranong Sports",
    "Phang Nga Adventure",
    "Tak Mountain Supply",
    "Loei Hiking Supply",
    "Chanthaburi Active",
    "Sisaket Sport Corner",
];

/// A product template (a model in one season) and how it sells.
#[derive(Debug, Clone)]
pub(crate) struct Template {
    pub brand: usize,
    pub category: usize,
    pub season: &'static str,
    /// First and last day it sells at full demand (markdown follows until `last_day`).
    pub launch: NaiveDate,
    pub markdown_from: NaiveDate,
    pub last_day: NaiveDate,
    /// Relative demand (long tail).
    pub popularity: f64,
    /// Stops selling long before the end and keeps its stock: dead stock.
    pub dead: bool,
    /// A best seller whose demand jumps in the last weeks while its supplier is late.
    pub short_supply: bool,
    /// Leftover stock is cleared when the window ends (old seasons).
    pub cleared: bool,
}

/// A sellable variant (one row of `silver.product`) with what the simulation needs.
#[derive(Debug, Clone)]
pub(crate) struct Variant {
    pub template: usize,
    /// Share of the template's demand.
    pub share: f64,
    pub list_price: Satang,
    pub cost: Satang,
    pub supplier: usize,
}

/// Everything the simulation knows about the catalogue and the customers.
pub(crate) struct Catalog {
    pub master: MasterData,
    pub templates: Vec<Template>,
    pub variants: Vec<Variant>,
    /// Variant indexes of each supplier (as main supplier), in catalogue order.
    pub by_supplier: Vec<Vec<usize>>,
    /// Variant indexes of each template (contiguous).
    pub of_template: Vec<std::ops::Range<usize>>,
    /// Ids of customers by company and segment: `[company][segment]` with segments retail,
    /// online, wholesale.
    pub customers: [[Vec<i64>; 3]; 2],
    /// Payment terms (days) of each wholesale customer, by position in `customers[0][2]`.
    pub payment_terms: Vec<i64>,
}

/// Selling window of a season tag: (launch, markdown from, last day).
fn season_window(
    season: &str,
    start: NaiveDate,
    end: NaiveDate,
) -> (NaiveDate, NaiveDate, NaiveDate) {
    let year = season
        .get(2..)
        .and_then(|yy| yy.parse::<i32>().ok())
        .map(|yy| 2000 + yy);
    let date = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d).unwrap_or(start);
    match (season.get(..2), year) {
        (Some("SS"), Some(y)) => (
            date(y, 2, 1) - Duration::days(14),
            date(y, 8, 1),
            date(y, 9, 30),
        ),
        (Some("AW"), Some(y)) => (
            date(y, 8, 1) - Duration::days(14),
            date(y + 1, 2, 1),
            date(y + 1, 3, 31),
        ),
        // Core: never out of season.
        _ => (
            start - Duration::days(365),
            end + Duration::days(3650),
            end + Duration::days(3650),
        ),
    }
}

fn round_price(baht: i64) -> i64 {
    // Price points end in 90: 2,490, 1,290…
    (baht / 100) * 100 + 90
}

/// Builds the master data and the catalogue, deterministically from `rng`.
pub(crate) fn build(config: &DemoConfig, rng: &mut ChaCha8Rng) -> Catalog {
    let base = config.id_base;
    let mut master = MasterData::default();
    for (index, (code, name)) in COMPANIES.iter().enumerate() {
        master.companies.push(Company {
            id: base + index as i64 + 1,
            code: (*code).into(),
            name: (*name).into(),
        });
    }
    for (index, (name, code, _, warehouse)) in STORES.iter().enumerate() {
        master.stores.push(Store {
            id: base + index as i64 + 1,
            code: (*code).into(),
            name: (*name).into(),
            company_id: base + company_of(index) as i64 + 1,
            kind: if *warehouse {
                StoreKind::Warehouse
            } else {
                StoreKind::Store
            },
        });
    }
    for (index, name) in SUPPLIERS.iter().enumerate() {
        master.suppliers.push(Supplier {
            id: base + index as i64 + 1,
            name: (*name).into(),
        });
    }

    let templates = build_templates(config, rng);
    let variants = build_products(config, rng, &templates, &mut master);
    let (customers, payment_terms) = build_customers(config, rng, &mut master);
    let mut by_supplier = vec![Vec::new(); SUPPLIERS.len()];
    let mut of_template = vec![0..0; templates.len()];
    for (index, variant) in variants.iter().enumerate() {
        by_supplier[variant.supplier].push(index);
        let range = &mut of_template[variant.template];
        if range.end == 0 {
            range.start = index;
        }
        range.end = index + 1;
    }
    Catalog {
        master,
        templates,
        variants,
        by_supplier,
        of_template,
        customers,
        payment_terms,
    }
}

fn build_templates(config: &DemoConfig, rng: &mut ChaCha8Rng) -> Vec<Template> {
    let (start, end) = (config.start_date, config.end_date);
    let mut templates = Vec::new();
    for (brand, ranges) in BRAND_RANGES.iter().enumerate() {
        for &(category, count) in *ranges {
            for _ in 0..count * config.catalog_scale.max(1) as usize {
                // A third of the range is core (never out of season); the rest is seasonal,
                // spread over the six seasons of the data.
                let season = if rng.random_bool(0.33) {
                    "Core"
                } else {
                    SEASONS[rng.random_range(0..SEASONS.len() - 1)]
                };
                let (launch, markdown_from, last_day) = season_window(season, start, end);
                templates.push(Template {
                    brand,
                    category,
                    season,
                    launch,
                    markdown_from,
                    last_day,
                    popularity: 0.0,
                    dead: false,
                    short_supply: false,
                    cleared: season != "Core",
                });
            }
        }
    }
    // Long tail: a random rank gives each template a Zipf-like share of demand.
    let mut ranks: Vec<usize> = (0..templates.len()).collect();
    shuffle(&mut ranks, rng);
    for (template, rank) in templates.iter_mut().zip(ranks) {
        template.popularity = BRAND_WEIGHT[template.brand] / (rank as f64 + 3.0).powf(0.95);
    }

    // A few core lines were dropped 200 to 420 days ago and still have stock: dead stock.
    let candidates: Vec<usize> = (0..templates.len())
        .filter(|&index| templates[index].season == "Core")
        .collect();
    for _ in 0..5 {
        if candidates.is_empty() {
            break;
        }
        let index = candidates[rng.random_range(0..candidates.len())];
        let template = &mut templates[index];
        let stop = (end - Duration::days(rng.random_range(200..420))).max(start);
        template.dead = true;
        template.cleared = false;
        template.launch = template.launch.min(stop - Duration::days(120));
        template.last_day = stop;
        template.markdown_from = stop + Duration::days(1);
    }
    // Two core lines that were bought in but never sold at all.
    for _ in 0..2 {
        let index = rng.random_range(0..templates.len());
        let template = &mut templates[index];
        template.dead = true;
        template.cleared = false;
        template.season = "Core";
        template.popularity = 0.0;
        template.launch = start - Duration::days(365);
        template.last_day = end + Duration::days(3650);
        template.markdown_from = template.last_day;
    }
    // Four best sellers still selling at the end run short: demand jumps, the supplier is late.
    let mut best: Vec<usize> = (0..templates.len())
        .filter(|&index| {
            let template = &templates[index];
            !template.dead
                && template.launch < end - Duration::days(90)
                && template.markdown_from > end
        })
        .collect();
    best.sort_by(|a, b| {
        templates[*b]
            .popularity
            .total_cmp(&templates[*a].popularity)
    });
    for &index in best.iter().take(4) {
        templates[index].short_supply = true;
    }
    templates
}

fn build_products(
    config: &DemoConfig,
    rng: &mut ChaCha8Rng,
    templates: &[Template],
    master: &mut MasterData,
) -> Vec<Variant> {
    let base = config.id_base;
    let mut variants = Vec::new();
    let mut used_models: Vec<Vec<usize>> = vec![Vec::new(); BRANDS.len()];
    for (template_index, template) in templates.iter().enumerate() {
        let (category, subcategory) = CATEGORIES[template.category];
        let model = loop {
            let candidate = rng.random_range(0..MODELS.len());
            if !used_models[template.brand].contains(&candidate)
                || used_models[template.brand].len() >= MODELS.len()
            {
                used_models[template.brand].push(candidate);
                break candidate;
            }
        };
        let kinds = TYPES[template.category];
        let kind = kinds[rng.random_range(0..kinds.len())];
        let name = format!("{} {} {}", BRANDS[template.brand], MODELS[model], kind);
        let gender = gender_for(template.category, rng);
        let sizes = sizes_for(category, gender);
        let color_count = if category == "Equipment" || category == "Accessories" {
            rng.random_range(1..=3)
        } else {
            rng.random_range(2..=4)
        };
        let mut colors: Vec<usize> = Vec::new();
        while colors.len() < color_count {
            // Dark and neutral colours first: they are the most common.
            let color = (rng.random::<f64>().powi(2) * COLORS.len() as f64) as usize;
            if !colors.contains(&color) {
                colors.push(color);
            }
        }
        let (low, high) = PRICE_RANGE[template.category];
        let list_baht = round_price(rng.random_range(low..=high));
        let cost_baht = (list_baht as f64 * rng.random_range(0.38..0.52)).round() as i64;
        let supplier = template.brand;
        let second_supplier = rng
            .random_bool(0.12)
            .then(|| (supplier + 1 + rng.random_range(0..SUPPLIERS.len() - 1)) % SUPPLIERS.len());
        let active = template.dead
            || template.last_day >= config.end_date - Duration::days(60)
            || !template.cleared;
        let template_id = base + template_index as i64 + 1;
        let size_weights: Vec<f64> = (0..sizes.len())
            .map(|index| {
                // Middle sizes sell best.
                let middle = (sizes.len() as f64 - 1.0) / 2.0;
                let distance = (index as f64 - middle) / (sizes.len() as f64 / 2.0).max(1.0);
                (-1.6 * distance * distance).exp()
            })
            .collect();
        let size_total: f64 = size_weights.iter().sum();
        for (color_rank, &color) in colors.iter().enumerate() {
            let color_share = 1.0 / (color_rank as f64 + 1.0);
            for (size_index, size) in sizes.iter().enumerate() {
                let id = base + variants.len() as i64 + 1;
                let (color_name, color_code) = COLORS[color];
                let sku = format!(
                    "{}-{:04}-{}-{}",
                    BRAND_CODE[template.brand],
                    template_index + 1,
                    color_code,
                    size.replace(' ', "")
                );
                master.products.push(Product {
                    id,
                    template_id,
                    name: name.clone(),
                    sku,
                    barcode: Some(ean13(id)),
                    brand: BRANDS[template.brand].into(),
                    category: category.into(),
                    subcategory: subcategory.into(),
                    gender: gender.into(),
                    season: template.season.into(),
                    color: color_name.into(),
                    size: (*size).into(),
                    list_price: list_baht * 100,
                    standard_cost: cost_baht * 100,
                    active,
                    supplier_id: base + supplier as i64 + 1,
                });
                let (lead_time_days, min_qty, pack_size) = SUPPLIER_TERMS[supplier];
                master.supplier_products.push(SupplierProduct {
                    supplier_id: base + supplier as i64 + 1,
                    product_id: id,
                    lead_time_days,
                    min_qty,
                    pack_size,
                    price: cost_baht * 100,
                });
                if let Some(second) = second_supplier {
                    let (lead_time_days, min_qty, pack_size) = SUPPLIER_TERMS[second];
                    master.supplier_products.push(SupplierProduct {
                        supplier_id: base + second as i64 + 1,
                        product_id: id,
                        lead_time_days: (lead_time_days - 7).max(7),
                        min_qty,
                        pack_size,
                        price: (cost_baht as f64 * 1.08).round() as i64 * 100,
                    });
                }
                variants.push(Variant {
                    template: template_index,
                    share: color_share * size_weights[size_index] / size_total,
                    list_price: list_baht * 100,
                    cost: cost_baht * 100,
                    supplier,
                });
            }
        }
    }
    variants
}

fn gender_for(category: usize, rng: &mut ChaCha8Rng) -> &'static str {
    let pick = rng.random::<f64>();
    match CATEGORIES[category] {
        ("Footwear", "Sandals") | ("Apparel", "Outerwear") => match pick {
            p if p < 0.35 => "Unisex",
            p if p < 0.68 => "Men",
            _ => "Women",
        },
        ("Footwear", _) | ("Apparel", _) => match pick {
            p if p < 0.42 => "Men",
            p if p < 0.84 => "Women",
            _ => "Kids",
        },
        _ => "Unisex",
    }
}

fn sizes_for(category: &str, gender: &str) -> Vec<&'static str> {
    const EU: [&str; 11] = [
        "36", "37", "38", "39", "40", "41", "42", "43", "44", "45", "46",
    ];
    match (category, gender) {
        ("Footwear", "Men") => EU[3..].to_vec(),
        ("Footwear", "Women") => EU[..6].to_vec(),
        ("Footwear", "Kids") => EU[..3].to_vec(),
        ("Footwear", _) => EU.to_vec(),
        ("Apparel", "Kids") => APPAREL_SIZES[..3].to_vec(),
        ("Apparel", _) => APPAREL_SIZES.to_vec(),
        _ => vec!["One Size"],
    }
}

fn build_customers(
    config: &DemoConfig,
    rng: &mut ChaCha8Rng,
    master: &mut MasterData,
) -> ([[Vec<i64>; 3]; 2], Vec<i64>) {
    let base = config.id_base;
    let lines = config.lines;
    let retail = (lines / 250).clamp(300, 30_000) as usize;
    let online = (lines / 500).clamp(200, 15_000) as usize;
    // (company, segment, how many)
    let groups = [
        (0usize, 0usize, retail),
        (0, 1, online),
        (1, 0, retail / 6),
        (1, 1, online / 5),
    ];
    let total_people: usize = groups.iter().map(|group| group.2).sum();
    // Unique names: a shuffled walk through given × initial × family combinations.
    let combinations = GIVEN_NAMES.len() * FAMILY_NAMES.len() * 27;
    let step = coprime_step(combinations, rng);
    let mut cursor = rng.random_range(0..combinations);
    let mut customers: [[Vec<i64>; 3]; 2] = Default::default();
    for (company, segment, count) in groups {
        for _ in 0..count.min(total_people) {
            cursor = (cursor + step) % combinations;
            let given = GIVEN_NAMES[cursor % GIVEN_NAMES.len()];
            let family = FAMILY_NAMES[(cursor / GIVEN_NAMES.len()) % FAMILY_NAMES.len()];
            let initial = cursor / (GIVEN_NAMES.len() * FAMILY_NAMES.len());
            let name = if initial == 0 {
                format!("{given} {family}")
            } else {
                format!("{given} {}. {family}", char::from(b'A' + initial as u8 - 1))
            };
            let id = base + master.customers.len() as i64 + 1;
            master.customers.push(Customer {
                id,
                name,
                segment: ["retail", "online", "wholesale"][segment].into(),
                company_id: base + company as i64 + 1,
            });
            customers[company][segment].push(id);
        }
    }
    let mut payment_terms = Vec::new();
    for name in NAMED_WHOLESALE_CUSTOMERS
        .iter()
        .chain(MORE_WHOLESALE_CUSTOMERS.iter())
    {
        let id = base + master.customers.len() as i64 + 1;
        master.customers.push(Customer {
            id,
            name: (*name).into(),
            segment: "wholesale".into(),
            company_id: base + 1,
        });
        customers[0][2].push(id);
        payment_terms.push(if rng.random_bool(0.6) { 30 } else { 60 });
    }
    (customers, payment_terms)
}

/// A step that visits every residue of `modulus` once (so names never repeat).
fn coprime_step(modulus: usize, rng: &mut ChaCha8Rng) -> usize {
    loop {
        let step = rng.random_range(modulus / 3..modulus / 2).max(1);
        if gcd(step, modulus) == 1 {
            return step;
        }
    }
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// Fisher-Yates shuffle on our own generator, so the order depends only on the seed.
pub(crate) fn shuffle<T>(items: &mut [T], rng: &mut ChaCha8Rng) {
    for index in (1..items.len()).rev() {
        let other = rng.random_range(0..=index);
        items.swap(index, other);
    }
}

/// Whether `day` falls in the template's markdown phase.
pub(crate) fn in_markdown(template: &Template, day: NaiveDate) -> bool {
    day >= template.markdown_from && day <= template.last_day
}

/// Demand factor of a template on `day`: ramp-up after launch, lower in markdown, zero outside
/// its window.
pub(crate) fn lifecycle(template: &Template, day: NaiveDate) -> f64 {
    if day < template.launch || day > template.last_day {
        return 0.0;
    }
    let since_launch = (day - template.launch).num_days();
    let ramp = if since_launch < 14 { 0.5 } else { 1.0 };
    let phase = if in_markdown(template, day) { 0.6 } else { 1.0 };
    // Tourist-heavy months lift beachwear a little.
    let summer = match (CATEGORIES[template.category].1, day.month()) {
        ("Sandals", 3..=5) | ("Outerwear", 6..=10) => 1.3,
        _ => 1.0,
    };
    template.popularity * ramp * phase * summer
}

/// A Thai (GS1 prefix 885) EAN-13 barcode for a product id: 885, the id in nine digits, and
/// the check digit.
fn ean13(id: i64) -> String {
    let digits = format!("885{:09}", id % 1_000_000_000);
    let sum: u32 = digits
        .bytes()
        .enumerate()
        .map(|(index, digit)| u32::from(digit - b'0') * if index % 2 == 0 { 1 } else { 3 })
        .sum();
    format!("{digits}{}", (10 - sum % 10) % 10)
}
