-- The month fiscal years start in ("this fiscal year", "FY2026"); one row, January unless an
-- administrator changes it (`analyst dictionary fiscal-year`, `/api/v1/dictionary/fiscal-year`).
CREATE TABLE app.dictionary_setting (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    fiscal_year_start_month INTEGER NOT NULL CHECK (fiscal_year_start_month BETWEEN 1 AND 12)
);
INSERT INTO app.dictionary_setting (id, fiscal_year_start_month) VALUES (1, 1);
