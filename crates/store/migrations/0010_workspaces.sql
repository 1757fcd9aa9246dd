-- Workspaces (seed 000's ai.analyst.workspace and prompt packs): who may enter, which tools
-- answer there, and the questions to start with. Lists are comma separated; prompts are one
-- per line. An empty group list opens the workspace to everyone; an empty tool list allows
-- every tool (the user's groups still decide).
CREATE TABLE app.workspace (
    code VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    description VARCHAR NOT NULL,
    groups VARCHAR NOT NULL DEFAULT '',
    tools VARCHAR NOT NULL DEFAULT '',
    dashboard VARCHAR NOT NULL DEFAULT '',
    prompts VARCHAR NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0
);
INSERT INTO app.workspace (code, name, description, groups, tools, dashboard, prompts, position) VALUES
    ('sales', 'Sales', 'Revenue, units, orders, customers and margins by store, channel, brand and period; returns and receivables.',
     'executive,sales,store_manager,buyer',
     'sales_by_dimension,season_performance,refund_return_impact,abc_analysis,margin_analysis,ar_aging',
     'sales_overview',
     'top 5 brands by revenue last month
revenue by store this year
monthly revenue trend for Stride in 2025
margin % by category last quarter
online vs store revenue last week
revenue this month compared with the same period last year', 1),
    ('buying', 'Buying', 'What sells, what runs out, what to reorder and from whom; dead stock and season sell-through.',
     'executive,buyer',
     'sales_by_dimension,buying_velocity,stock_coverage,dead_stock,reorder_suggestion,season_performance,abc_analysis,margin_analysis,inventory_valuation,stock_aging,ap_aging',
     'buying_overview',
     'which products will run out of stock in the next 14 days?
what should I reorder from Stride Trading Asia?
dead stock over 180 days
sell-through of AW25 by category
ABC analysis of products last quarter', 2),
    ('pos', 'Store operations', 'One store''s sales, stock cover, slow movers and returns.',
     'executive,store_manager',
     'sales_by_dimension,buying_velocity,stock_coverage,dead_stock,stock_aging,refund_return_impact',
     'store_overview',
     'revenue by category this week
which products will run out of stock in the next 7 days?
returns by brand this month
units sold by weekday last month', 3),
    ('cs', 'Customer service', 'Helpdesk tickets, resolution times, SLA breaches, refunds.',
     'executive,support',
     'helpdesk_summary,refund_return_impact',
     'helpdesk_overview',
     'open tickets by team
tickets by priority this month
refund rate by brand last month', 4),
    ('executive', 'Executive', 'Every figure of every company and store the user may see.',
     'executive',
     '',
     'executive_overview',
     'revenue by company this year
margin % by store last quarter
revenue this month compared with the same period last year
open customer invoices by overdue bucket', 5);
