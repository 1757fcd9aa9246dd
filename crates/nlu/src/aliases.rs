//! The demo business's aliases: other ways users name its brands, stores, seasons,
//! categories, genders and channels (demo-data.md). An alias only counts when its value exists
//! in the data, so these are harmless for another business.

use analyst_core::Dimension;

use Dimension as D;

const ALIASES: &[(&str, Dimension, &str)] = &[
    // Brands.
    ("STR", D::Brand, "Stride"),
    ("PM", D::Brand, "Peak Motion"),
    ("Peak", D::Brand, "Peak Motion"),
    ("TH", D::Brand, "Trailhead"),
    ("Monsoon", D::Brand, "Monsoon Gear"),
    // Seasons ("FWxx" for every "AWxx" is also derived from the data).
    ("FW24", D::Season, "AW24"),
    ("FW25", D::Season, "AW25"),
    ("FW26", D::Season, "AW26"),
    ("NOS", D::Season, "Core"),
    ("never out of stock", D::Season, "Core"),
    // Stores: short names and codes. "Siam" alone is left out: it is also a company and a brand.
    ("Siam store", D::Store, "Bangkok Siam"),
    ("Siam branch", D::Store, "Bangkok Siam"),
    ("Siam shop", D::Store, "Bangkok Siam"),
    ("BKK-SIAM", D::Store, "Bangkok Siam"),
    ("Ladprao", D::Store, "Bangkok Ladprao"),
    ("Lat Phrao", D::Store, "Bangkok Ladprao"),
    ("BKK-LPR", D::Store, "Bangkok Ladprao"),
    ("Phuket", D::Store, "Phuket Central"),
    ("HKT", D::Store, "Phuket Central"),
    ("Khonkaen", D::Store, "Khon Kaen"),
    ("KKC", D::Store, "Khon Kaen"),
    ("Nimman", D::Store, "Chiang Mai Nimman"),
    ("Chiang Mai", D::Store, "Chiang Mai Nimman"),
    ("CNX", D::Store, "Chiang Mai Nimman"),
    ("Bangna", D::Store, "Main Warehouse Bangna"),
    ("Bang Na", D::Store, "Main Warehouse Bangna"),
    ("Main Warehouse", D::Store, "Main Warehouse Bangna"),
    ("WH-BNA", D::Store, "Main Warehouse Bangna"),
    ("WH-LNA", D::Store, "Lanna Warehouse"),
    ("ภูเก็ต", D::Store, "Phuket Central"),
    ("เชียงใหม่", D::Store, "Chiang Mai Nimman"),
    ("นิมมาน", D::Store, "Chiang Mai Nimman"),
    ("ลาดพร้าว", D::Store, "Bangkok Ladprao"),
    ("ขอนแก่น", D::Store, "Khon Kaen"),
    ("บางนา", D::Store, "Main Warehouse Bangna"),
    ("สาขาสยาม", D::Store, "Bangkok Siam"),
    // Companies.
    ("Siam Sport", D::Company, "Siam Sport Co., Ltd."),
    ("Lanna Outdoor", D::Company, "Lanna Outdoor Co., Ltd."),
    // Categories and subcategories.
    ("running shoes", D::Subcategory, "Running"),
    ("running shoe", D::Subcategory, "Running"),
    ("runners", D::Subcategory, "Running"),
    ("sneakers", D::Subcategory, "Lifestyle"),
    ("lifestyle shoes", D::Subcategory, "Lifestyle"),
    ("flip flops", D::Subcategory, "Sandals"),
    ("t-shirts", D::Subcategory, "Tops"),
    ("tshirts", D::Subcategory, "Tops"),
    ("shirts", D::Subcategory, "Tops"),
    ("pants", D::Subcategory, "Bottoms"),
    ("shorts", D::Subcategory, "Bottoms"),
    ("trousers", D::Subcategory, "Bottoms"),
    ("jackets", D::Subcategory, "Outerwear"),
    ("backpacks", D::Subcategory, "Bags"),
    ("hats", D::Subcategory, "Caps"),
    ("shoes", D::Category, "Footwear"),
    ("clothing", D::Category, "Apparel"),
    ("clothes", D::Category, "Apparel"),
    ("รองเท้าวิ่ง", D::Subcategory, "Running"),
    ("รองเท้า", D::Category, "Footwear"),
    ("เสื้อผ้า", D::Category, "Apparel"),
    ("กระเป๋า", D::Subcategory, "Bags"),
    ("หมวก", D::Subcategory, "Caps"),
    // Genders.
    ("ladies", D::Gender, "Women"),
    ("womens", D::Gender, "Women"),
    ("female", D::Gender, "Women"),
    ("mens", D::Gender, "Men"),
    ("male", D::Gender, "Men"),
    ("children", D::Gender, "Kids"),
    ("child", D::Gender, "Kids"),
    // Channels.
    ("e-commerce", D::Channel, "online"),
    ("ecommerce", D::Channel, "online"),
    ("web shop", D::Channel, "online"),
    ("webshop", D::Channel, "online"),
    ("website", D::Channel, "online"),
    ("in-store", D::Channel, "store"),
    ("instore", D::Channel, "store"),
    ("POS", D::Channel, "store"),
    ("B2B", D::Channel, "wholesale"),
    ("marketplaces", D::Channel, "marketplace"),
    ("Lazada", D::Channel, "marketplace"),
    ("Shopee", D::Channel, "marketplace"),
];

/// The demo vocabulary's aliases: (alias, dimension, canonical value).
pub fn default_aliases() -> Vec<(String, Dimension, String)> {
    ALIASES
        .iter()
        .map(|(alias, dimension, value)| (alias.to_string(), *dimension, value.to_string()))
        .collect()
}
