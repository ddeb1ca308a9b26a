-- Credit lives in the tenant's wallet, inside its meter (a Durable Object: src/wallet/ledger.ts),
-- which debits usage in real time and settles invoices. The D1 ledger it replaces goes; this
-- release precedes any production deployment, so there is no balance to carry over.
DROP TABLE IF EXISTS credit_ledger;
