export interface ExtractionOptions {
  /** Language given to created users whose row has none. */
  defaultLanguage: string;
}
export const EXTRACTION_OPTIONS = Symbol('EXTRACTION_OPTIONS');
