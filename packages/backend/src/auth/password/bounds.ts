/**
 * @internal The scrypt parameters this package accepts, in options and in stored hashes alike,
 * so every hash it writes can be checked and no stored hash can make one check throw or cost more
 * than a few default ones. Free of `node:` imports: the options schema is edge-imported.
 */
export const SCRYPT_BOUNDS = {
  ln: [10, 20],
  r: [1, 32],
  p: [1, 16],
  keyLength: [16, 64],
  saltLength: [16, 64],
  /** Bytes one derivation may allocate (128 × 2^ln × r): 256 MiB, twice the default. */
  maxMemory: 256 * 1024 * 1024,
  /** Work of one check (p × 2^ln × r, Node runs p sequentially): four times the default's. */
  maxWork: 4 * 2 ** 17 * 8,
} as const;

/** @internal Why scrypt parameters are refused, or null when they are within {@link SCRYPT_BOUNDS}. */
export function scryptParamsProblem(params: { ln: number; r: number; p: number }): string | null {
  const { ln, r, p } = params;
  if (128 * 2 ** ln * r > SCRYPT_BOUNDS.maxMemory) return "needs more than 256 MiB per hash (128 × 2^ln × r bytes)";
  if (p * 2 ** ln * r > SCRYPT_BOUNDS.maxWork) return "costs more than four default hashes per check (p × 2^ln × r)";
  // Node's scrypt requires N < 2^(128·r/8).
  if (ln >= 16 * r) return "ln must be below 16 × r";
  return null;
}

/** @internal OWASP's scrypt minimum (ln=17, r=8, p=1) or one of its listed equivalents. */
export function meetsOWASPParams(params: { ln: number; r: number; p: number }): boolean {
  const rows: readonly (readonly [number, number])[] = [
    [17, 1],
    [16, 2],
    [15, 3],
    [14, 5],
    [13, 10],
  ];
  return params.r >= 8 && rows.some(([ln, p]) => params.ln >= ln && params.p >= p);
}
