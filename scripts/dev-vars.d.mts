/** Types for dev-vars.mjs (imported by the unit tests). */
export interface TomlSections {
  dev: Record<string, string | number | boolean>;
  vars: Record<string, string | number | boolean>;
}
export function readTomlSections(text: string): TomlSections;
export function readDevArgs(args: string[]): { vars: Record<string, string>; options: { port?: string; ip?: string } };
export function effectiveDevSettings(projectRoot: string, args: string[]): { vars: Record<string, unknown>; port: number; ip: string };
