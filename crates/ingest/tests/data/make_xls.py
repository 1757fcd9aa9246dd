"""Writes sellout.xls, the XLS (BIFF8) fixture of the ingest tests.

Run with xlwt 1.3 (pip install xlwt): python3 make_xls.py sellout.xls
The workbook: a 'Notes' sheet without a table, then 'Sales' with a merged title row over
a Thai department store's header, date cells formatted DD/MM/YYYY, a return, and a total row.
"""
import datetime
import sys

import xlwt

book = xlwt.Workbook(encoding="utf-8")
notes = book.add_sheet("Notes")
notes.write(0, 0, "Exported from the vendor portal")
notes.write(1, 0, "Questions: sales@example.com")

sales = book.add_sheet("Sales")
sales.write_merge(0, 0, 0, 10, "รายงานยอดขาย มกราคม 2568")
headers = ["วันที่", "รหัสสาขา", "ชื่อสาขา", "รหัสสินค้า", "บาร์โค้ด", "ชื่อสินค้า",
           "ยี่ห้อ", "จำนวน", "ยอดขาย", "ส่วนลด", "ยอดขายสุทธิ"]
for column, header in enumerate(headers):
    sales.write(1, column, header)
date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
rows = [
    (datetime.date(2025, 1, 31), "0101", "สยาม", "ST-001", "8850000000011", "รองเท้าวิ่ง",
     "Stride", 2, 2000.0, 100.0, 1900.0),
    (datetime.date(2025, 2, 1), "0301", "ภูเก็ต", "PM-002", "", "เสื้อยืด",
     "Peak Motion", -1, -590.0, 0.0, -590.0),
]
for index, row in enumerate(rows):
    sales.write(2 + index, 0, row[0], date_style)
    for column, value in enumerate(row[1:], start=1):
        if value != "":
            sales.write(2 + index, column, value)
sales.write(4, 0, "รวม")
sales.write(4, 7, 1)
sales.write(4, 10, 1310.0)
book.save(sys.argv[1])
