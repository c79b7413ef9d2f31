//! 收费标准: the office's price list of paid work — materials and labour items with
//! their unit and price — which completion picks from and the slip's quote names.

use serde::{Deserialize, Serialize};

use super::audit::record;
use super::Store;
use crate::account::Permission;
use crate::audit::{self, AuditKind};
use crate::error::{Error, Result, SqlContext};
use crate::input;

/// One line of the 收费标准.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct PriceItem {
    /// 项目: 更换三角阀, 疏通下水道, 上门服务费 …
    pub name: String,
    /// 单位: 个, 次, 米 …
    pub unit: String,
    /// 单价 in 分.
    pub price_fen: i64,
    /// Still offered; a withdrawn item stays for the history.
    pub active: bool,
}

/// The most one item may cost: 100,000 元.
const MAX_PRICE_FEN: i64 = 10_000_000;

impl Store {
    /// The price list, offered items first, by name.
    pub fn prices(&self) -> Result<Vec<PriceItem>> {
        self.db
            .query(
                "SELECT name, unit, price_fen, active FROM price_items
                 ORDER BY active DESC, name",
                &[],
            )
            .sql("list prices")?
            .iter()
            .map(|r| {
                Ok(PriceItem {
                    name: r.get(0)?,
                    unit: r.get(1)?,
                    price_fen: r.get(2)?,
                    active: r.get(3)?,
                })
            })
            .collect()
    }

    /// Add an item to the 收费标准, or change the one with the same name (管理员, like
    /// all 基础资料); logged with before → after.
    pub fn save_price(&mut self, item: &PriceItem) -> Result<PriceItem> {
        let by = self.operator(Permission::MasterData, None)?;
        let name = input::printed_name("收费项目", Some(&item.name))?;
        let unit = input::printed_name("单位", Some(&item.unit))?;
        if !(0..=MAX_PRICE_FEN).contains(&item.price_fen) {
            return Err(Error::invalid(format!(
                "单价必须在 0 到 {} 元之间",
                MAX_PRICE_FEN / 100
            )));
        }
        let before = self.prices()?.into_iter().find(|p| p.name == name);
        let now = self.now();
        let tx = self.begin()?;
        tx.execute(
            "INSERT INTO price_items (name, unit, price_fen, active) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (name) DO UPDATE SET unit = excluded.unit,
               price_fen = excluded.price_fen, active = excluded.active",
            &[&name, &unit, &item.price_fen, &item.active],
        )
        .sql("save price")?;
        let yuan = |fen: i64| format!("{}.{:02} 元", fen / 100, fen % 100);
        let fields = |p: Option<&PriceItem>| match p {
            Some(p) => [
                p.unit.clone(),
                yuan(p.price_fen),
                if p.active { "在用" } else { "停用" }.to_string(),
            ],
            None => Default::default(),
        };
        let after = PriceItem {
            name: name.clone(),
            unit,
            price_fen: item.price_fen,
            active: item.active,
        };
        let changed: Vec<(&str, String, String)> = ["单位", "单价", "状态"]
            .into_iter()
            .zip(
                fields(before.as_ref())
                    .into_iter()
                    .zip(fields(Some(&after))),
            )
            .map(|(n, (o, a))| (n, o, a))
            .collect();
        let detail = match before {
            Some(_) => audit::changes(&changed),
            None => format!("新增收费项目；{}", audit::changes(&changed)),
        };
        record(
            &tx,
            &now,
            &by,
            AuditKind::MasterData,
            &format!("收费标准 {name}"),
            &detail,
        )?;
        tx.commit().sql("save price")?;
        Ok(after)
    }
}
