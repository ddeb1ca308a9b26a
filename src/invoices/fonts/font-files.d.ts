// Font files are bundled as binary modules (wrangler.toml [[rules]] type "Data"): the import is the file's bytes.
declare module "*.woff" {
  const data: ArrayBuffer;
  export default data;
}
