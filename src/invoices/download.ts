/**
 * An invoice PDF as a download. `private, no-store`: it is one customer's legal document, so
 * neither a shared cache nor the browser's disk cache may keep a copy.
 */
export function pdfDownload({ body, filename }: { body: ReadableStream | Uint8Array; filename: string }): Response {
  return new Response(body as BodyInit, {
    headers: {
      "content-type": "application/pdf",
      "content-disposition": `attachment; filename="${filename}"`,
      "cache-control": "private, no-store",
    },
  });
}
