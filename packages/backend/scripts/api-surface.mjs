// Prints the public API of the built package, one line per exported name and member, with each
// type written out by the TypeScript checker: `node scripts/api-surface.mjs [dist-dir] > api.txt`.
// Two builds' outputs can then be diffed to see exactly what a change did to the public types,
// whatever the bundler did to the declaration files' layout (names of internal types, order).
import { resolve } from "node:path";
import ts from "typescript";

const dist = resolve(process.argv[2] ?? "dist");
const subpaths = ["auth", "database", "database/postgres", "uploads", "utils"];
const program = ts.createProgram(
  subpaths.map((subpath) => `${dist}/${subpath}/index.d.ts`),
  {
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
  },
);
const checker = program.getTypeChecker();
const FLAGS =
  ts.TypeFormatFlags.NoTruncation |
  ts.TypeFormatFlags.UseFullyQualifiedType |
  ts.TypeFormatFlags.WriteArrayAsGenericType;
const text = (type) => checker.typeToString(type, undefined, FLAGS).replace(/import\("[^"]*"\)\./g, "");

/** The members of an object type, each with its own type; nested one level for option objects. */
function members(type, depth) {
  const lines = [];
  for (const property of checker.getPropertiesOfType(type)) {
    const declaration = property.valueDeclaration ?? property.declarations?.[0];
    if (!declaration) continue;
    const memberType = checker.getTypeOfSymbolAtLocation(property, declaration);
    const optional = property.flags & ts.SymbolFlags.Optional ? "?" : "";
    lines.push(`${"  ".repeat(depth)}.${property.name}${optional}: ${text(memberType)}`);
  }
  return lines.sort();
}

for (const subpath of subpaths) {
  const file = program.getSourceFile(`${dist}/${subpath}/index.d.ts`);
  const moduleSymbol = file && checker.getSymbolAtLocation(file);
  if (!moduleSymbol) throw new Error(`no declarations for ${subpath} in ${dist}`);
  const exports = checker.getExportsOfModule(moduleSymbol).sort((a, b) => a.name.localeCompare(b.name));
  for (const symbol of exports) {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    const declaration = target.valueDeclaration ?? target.declarations?.[0];
    const prefix = `${subpath}: ${symbol.name}`;
    if (target.flags & (ts.SymbolFlags.Value & ~ts.SymbolFlags.Class) && target.valueDeclaration) {
      console.log(`${prefix} (value): ${text(checker.getTypeOfSymbolAtLocation(target, declaration))}`);
    }
    if (target.flags & (ts.SymbolFlags.Type | ts.SymbolFlags.Class)) {
      const type = checker.getDeclaredTypeOfSymbol(target);
      console.log(`${prefix} (type): ${text(type)}`);
      if (type.flags & ts.TypeFlags.Object) for (const line of members(type, 1)) console.log(`${prefix}${line}`);
    }
  }
}
