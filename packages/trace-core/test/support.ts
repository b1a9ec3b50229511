export function ids(span: any): { traceId: string; spanId: string; parentId: string | null } {
  const context = span.context();
  return { traceId: context.traceId.toString('hex'), spanId: context.spanId.toString('hex'), parentId: context.parentId ? context.parentId.toString('hex') : null };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
