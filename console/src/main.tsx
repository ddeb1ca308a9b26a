import { render } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, configureApi, enc, get } from "./api";
import { operatorHref, tenantHref, useRoute, type Route } from "./router";
import { canUpdate, clearToken, isAdmin, loadSession, saveToken, takeTokenFromLocation, type Session } from "./session";
import { Spend } from "./views/operator/spend";
import { Coupons, Plans, Tenants, TestClocks } from "./views/operator/catalog";
import { SignIn } from "./views/sign-in";
import { Alerts } from "./views/tenant/alerts";
import { Cost } from "./views/tenant/cost";
import { InvoiceDetail, Invoices } from "./views/tenant/invoices";
import { Overview } from "./views/tenant/overview";
import { PaymentMethods } from "./views/tenant/payments";
import { Entitlements } from "./views/tenant/entitlements";
import { Usage } from "./views/tenant/usage";
import { Wallet } from "./views/tenant/wallet";
import { WebhookEndpoints } from "./views/tenant/webhooks";
import "./styles.css";

const TENANT_PAGES = [
  ["overview", "Subscription"],
  ["usage", "Usage"],
  ["cost", "Cost"],
  ["invoices", "Invoices"],
  ["alerts", "Alerts"],
  ["payment-methods", "Payment methods"],
  ["wallet", "Wallet"],
  ["entitlements", "Entitlements"],
  ["webhooks", "Webhook endpoints"],
] as const;

const OPERATOR_PAGES = [
  ["spend", "Spend"],
  ["tenants", "Tenants"],
  ["plans", "Plans"],
  ["coupons", "Coupons"],
  ["test-clocks", "Test clocks"],
] as const;

function App() {
  const [session, setSession] = useState<Session | null>(() => {
    takeTokenFromLocation();
    return loadSession();
  });
  const [reason, setReason] = useState<string>();

  configureApi({
    token: session?.token ?? null,
    onUnauthorized: (message) => {
      clearToken();
      setSession(null);
      setReason(`Signed out: the server did not accept the token (${message}).`);
    },
  });

  if (!session) {
    return (
      <SignIn
        reason={reason}
        onToken={async (token) => {
          const next = saveToken(token);
          if (!next) return "That token could not be read.";
          configureApi({ token, onUnauthorized: () => undefined });
          try {
            // One call proves the server accepts the token before the console opens.
            await get(isAdmin(next) ? "plans" : `tenants/${enc(next.claims.tenant)}`);
          } catch (err) {
            clearToken();
            return err instanceof ApiError && err.status === 401 ? `The server rejected this token: ${err.message}` : (err as Error).message;
          }
          setReason(undefined);
          setSession(next);
          return null;
        }}
      />
    );
  }
  return (
    <Shell
      session={session}
      onSignOut={() => {
        clearToken();
        setReason("Signed out.");
        setSession(null);
      }}
    />
  );
}

function Shell({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const route = useRoute();
  const admin = isAdmin(session);
  const main = useRef<HTMLElement>(null);
  const tenantId = route.area === "tenant" ? route.tenantId : session.claims.tenant;
  const [navOpen, setNavOpen] = useState(false);

  useEffect(() => {
    if (route.area === "home") location.replace(admin ? operatorHref("spend") : tenantHref(session.claims.tenant, "overview"));
  }, [route.area]);

  // A new view: say where we are and move focus there, as a page load would.
  const title = titleOf(route);
  useEffect(() => {
    document.title = `${title} · Billing console`;
    setNavOpen(false);
    main.current?.focus({ preventScroll: true });
  }, [title, route.area === "tenant" ? route.id : ""]);

  return (
    <div class="shell">
      {/* biome-ignore lint/a11y/useValidAnchor: a skip link is an anchor by convention; the handler only moves focus to the view */}
      <a
        class="skip"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          main.current?.focus();
        }}
      >
        Skip to content
      </a>
      <header class="topbar">
        <span class="brand">Billing console</span>
        <span class="who">
          {session.claims.sub || "signed in"} · tenant <strong>{session.claims.tenant}</strong> · {session.claims.scopes.join(" ")}
        </span>
        <button type="button" class="button button-small menu" aria-expanded={navOpen} aria-controls="nav" onClick={() => setNavOpen(!navOpen)}>
          Menu
        </button>
        <button type="button" class="button button-small" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <nav id="nav" class={`nav${navOpen ? " nav-open" : ""}`} aria-label="Console">
        {/* An operator sees a tenant's pages once it opens one (from Tenants). */}
        {!admin || route.area === "tenant" ? (
          <>
            <h2 class="nav-heading">Tenant {tenantId}</h2>
            <ul>
              {TENANT_PAGES.map(([page, label]) => (
                <li key={page}>
                  <a href={tenantHref(tenantId, page)} aria-current={route.area === "tenant" && route.page === page ? "page" : undefined}>
                    {label}
                  </a>
                </li>
              ))}
            </ul>
          </>
        ) : null}
        {admin ? (
          <>
            <h2 class="nav-heading">Operator</h2>
            <ul>
              {OPERATOR_PAGES.map(([page, label]) => (
                <li key={page}>
                  <a href={operatorHref(page)} aria-current={route.area === "operator" && route.page === page ? "page" : undefined}>
                    {label}
                  </a>
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </nav>
      <main id="main" ref={main} tabIndex={-1} class="content">
        <View route={route} session={session} />
      </main>
    </div>
  );
}

function titleOf(route: Route): string {
  if (route.area === "tenant") return `${TENANT_PAGES.find(([p]) => p === route.page)?.[1] ?? "Not found"} · ${route.tenantId}`;
  if (route.area === "operator") return OPERATOR_PAGES.find(([p]) => p === route.page)?.[1] ?? "Not found";
  return "Billing console";
}

function View({ route, session }: { route: Route; session: Session }) {
  const update = canUpdate(session);
  if (route.area === "operator") {
    if (!isAdmin(session)) {
      return (
        <section class="notice notice-error" role="alert" data-state="forbidden">
          <h1>Operator view</h1>
          <p>The operator view needs an admin token. This token is for tenant {session.claims.tenant} and can only see that tenant's billing.</p>
          <p>
            <a href={tenantHref(session.claims.tenant, "overview")}>Go to your subscription</a>
          </p>
        </section>
      );
    }
    switch (route.page) {
      case "spend":
        return <Spend />;
      case "tenants":
        return <Tenants />;
      case "plans":
        return <Plans />;
      case "coupons":
        return <Coupons />;
      case "test-clocks":
        return <TestClocks />;
    }
  }
  if (route.area === "tenant") {
    const t = route.tenantId;
    switch (route.page) {
      case "overview":
        return <Overview tenantId={t} canUpdate={update} />;
      case "usage":
        return <Usage tenantId={t} />;
      case "cost":
        return <Cost tenantId={t} />;
      case "invoices":
        return route.id ? <InvoiceDetail tenantId={t} invoiceId={route.id} /> : <Invoices tenantId={t} />;
      case "alerts":
        return <Alerts tenantId={t} canUpdate={update} />;
      case "payment-methods":
        return <PaymentMethods tenantId={t} />;
      case "wallet":
        return <Wallet tenantId={t} canUpdate={update} />;
      case "entitlements":
        return <Entitlements tenantId={t} />;
      case "webhooks":
        return <WebhookEndpoints tenantId={t} />;
    }
  }
  return (
    <section>
      <h1>Not found</h1>
      <p>There is no such page in the console.</p>
    </section>
  );
}

render(<App />, document.getElementById("app")!);
