import { createRouter } from "../http/router";
import { categoriesRoutes } from "./categories/routes";
import { itemsRoutes } from "./items/routes";
import { reportsRoutes } from "./reports/routes";
import { searchRoutes } from "./search/routes";
import { statusRoutes } from "./status/routes";
import { syncRoutes } from "./sync/routes";

/** Seed 000: spend tracking under /api/v1/billing. */
export const spendRoutes = createRouter()
  .route("/", itemsRoutes)
  .route("/", categoriesRoutes)
  .route("/", reportsRoutes)
  .route("/", searchRoutes)
  .route("/", statusRoutes)
  .route("/", syncRoutes);
