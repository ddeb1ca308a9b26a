// The tenants module's public face: what code outside the module (the seed surfaces first) uses.
export { TenantId } from "./schemas";
