import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

/** One public name (or field of a public type) a user reads in an editor without a word of documentation. */
export interface UndocumentedExport {
  /** `ConfigBuilder.global`, `HaproxyConfig.backends[].name` … */
  name: string;
  /** Where it is declared, `src/x.ts:12`, relative to the package. */
  where: string;
}

/**
 * Every export of a package's `src/index.ts` without JSDoc, and every field of an
 * exported interface, object type, zod-inferred model type or class member without
 * one: what users see when they hover in their editor.
 */
export function findUndocumentedExports(packageDirectory: string): UndocumentedExport[] {
  const entry = join(packageDirectory, 'src', 'index.ts');
  const configPath = ts.findConfigFile(packageDirectory, ts.sys.fileExists, 'tsconfig.json');
  const parsed =
    configPath === undefined
      ? undefined
      : ts.parseJsonConfigFileContent(
          ts.readConfigFile(configPath, ts.sys.readFile).config,
          ts.sys,
          dirname(configPath),
        );
  const program = ts.createProgram([entry], { ...(parsed?.options ?? {}), noEmit: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  if (source === undefined) throw new Error(`${entry}: not found`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (moduleSymbol === undefined) return [];
  const ownFiles = (file: ts.SourceFile) => file.fileName.startsWith(join(packageDirectory, 'src'));
  const missing: UndocumentedExport[] = [];
  const seenTypes = new Set<ts.Type>();

  const where = (symbol: ts.Symbol) => {
    const declaration = symbol.declarations?.[0];
    if (declaration === undefined) return '?';
    const file = declaration.getSourceFile();
    return `${relative(packageDirectory, file.fileName)}:${file.getLineAndCharacterOfPosition(declaration.getStart()).line + 1}`;
  };
  const isOwn = (symbol: ts.Symbol) =>
    (symbol.declarations ?? []).some((declaration) => ownFiles(declaration.getSourceFile()));
  const documented = (symbol: ts.Symbol) =>
    symbol.getDocumentationComment(checker).some((part) => part.text.trim() !== '') ||
    symbol.getJsDocTags(checker).length > 0;

  const checkMembers = (type: ts.Type, path: string, depth: number) => {
    if (depth > 4 || seenTypes.has(type)) return;
    seenTypes.add(type);
    if (type.isUnion() || type.isIntersection()) {
      for (const part of type.types) checkMembers(part, path, depth);
      return;
    }
    const element = checker.isArrayType(type) ? checker.getTypeArguments(type as ts.TypeReference)[0] : undefined;
    if (element !== undefined) return checkMembers(element, `${path}[]`, depth);
    if (!(type.flags & ts.TypeFlags.Object)) return;
    for (const property of checker.getPropertiesOfType(type)) {
      if (!isOwn(property) || property.name.startsWith('#') || property.name.startsWith('_')) continue;
      const declaration = property.valueDeclaration ?? property.declarations?.[0];
      if (
        declaration !== undefined &&
        ts.getCombinedModifierFlags(declaration as ts.Declaration) &
          (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)
      )
        continue;
      const name = `${path}.${property.name}`;
      if (!documented(property)) missing.push({ name, where: where(property) });
      // Anonymous object types (nested zod objects, inline option shapes) are read where they are used.
      const propertyType = checker.getTypeOfSymbol(property);
      const symbol = propertyType.getSymbol() ?? checker.getNonNullableType(propertyType).getSymbol();
      if (symbol === undefined || symbol.name === '__type' || symbol.name === '__object')
        checkMembers(checker.getNonNullableType(propertyType), name, depth + 1);
    }
  };

  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    if (!isOwn(symbol)) continue;
    if (!documented(symbol) && !documented(exported)) missing.push({ name: exported.name, where: where(symbol) });
    if (symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias)) {
      checkMembers(checker.getDeclaredTypeOfSymbol(symbol), exported.name, 0);
    } else if (symbol.flags & ts.SymbolFlags.Class) {
      checkMembers(checker.getDeclaredTypeOfSymbol(symbol), exported.name, 0);
      checkMembers(checker.getTypeOfSymbol(symbol), exported.name, 0);
    }
  }
  return missing;
}
