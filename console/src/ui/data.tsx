// Generic rendering for API answers whose shape the console does not know in advance (the
// capabilities that arrive later: wallet, entitlements, webhook endpoints, test clocks).
import { formatDateTime, formatMoney } from "../format";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isMoney = (v: Json): v is { amount: number; currency: string } =>
  !!v && typeof v === "object" && !Array.isArray(v) && typeof v.amount === "number" && typeof v.currency === "string" && Object.keys(v).length === 2;

function cell(value: Json): string {
  if (value === null || value === undefined) return "—";
  if (isMoney(value)) return formatMoney(value);
  if (typeof value === "string" && /^\d{4}-\d\d-\d\dT/.test(value)) return formatDateTime(value);
  if (typeof value === "object") return Array.isArray(value) && value.every((v) => typeof v !== "object") ? value.join(", ") : JSON.stringify(value);
  return String(value);
}

export function DataTable({ rows, caption }: { rows: Json[]; caption: string }) {
  const objects = rows.filter((r): r is { [key: string]: Json } => !!r && typeof r === "object" && !Array.isArray(r));
  const columns = [...new Set(objects.flatMap((r) => Object.keys(r)))].slice(0, 8);
  return (
    <div class="table-wrap">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th scope="col" key={c}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {objects.map((r, i) => (
            <tr key={i}>
              {columns.map((c) => (
                <td key={c}>{cell(r[c] ?? null)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function DataList({ value }: { value: { [key: string]: Json } }) {
  return (
    <dl class="facts">
      {Object.entries(value)
        .filter(([, v]) => !Array.isArray(v))
        .map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{cell(v)}</dd>
          </div>
        ))}
    </dl>
  );
}

export function AnyData({ value, caption }: { value: unknown; caption: string }) {
  const v = value as Json;
  if (Array.isArray(v)) return v.length ? <DataTable rows={v} caption={caption} /> : <p class="muted">None yet.</p>;
  if (v && typeof v === "object") {
    const lists = Object.entries(v).filter(([, x]) => Array.isArray(x) && x.length > 0) as [string, Json[]][];
    return (
      <>
        <DataList value={v} />
        {lists.map(([k, rows]) => (
          <DataTable key={k} rows={rows} caption={`${caption}: ${k}`} />
        ))}
      </>
    );
  }
  return <p>{cell(v)}</p>;
}
