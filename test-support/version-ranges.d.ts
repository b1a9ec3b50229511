/** One hook of an instrumentation package: the module (and file) it patches and the versions it claims. */
export interface DeclaredRange {
  package: string;
  module: string;
  file?: string;
  versions: string;
}

/** One tested version of the matrix (test-support/version-matrix.json). */
export interface MatrixTarget {
  library: string;
  range: string;
  major: number;
  end: 'lowest' | 'latest' | 'extra';
  version: string;
  fixture: string;
  newerNotTested?: string[];
}

export interface VersionMatrix {
  targets: MatrixTarget[];
  fixtures: Record<string, { dependencies: Record<string, string>; description: string }>;
}

export function declaredRanges(): DeclaredRange[];
export function libraryRanges(): Map<string, string>;
export function versionsDoc(matrix: VersionMatrix): string;
export const READ_ONLY_LIBRARIES: DeclaredRange[];
