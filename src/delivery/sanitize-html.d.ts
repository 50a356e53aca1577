// sanitize-html 2.17.x ships no types; only what compose.ts uses is declared.
declare module 'sanitize-html' {
  interface Tag {
    tagName: string
    attribs: Record<string, string>
    text?: string
  }
  interface SanitizeOptions {
    allowedTags?: string[] | false
    allowedAttributes?: Record<string, string[]> | false
    allowedSchemes?: string[]
    allowedSchemesByTag?: Record<string, string[]>
    allowProtocolRelative?: boolean
    disallowedTagsMode?: 'discard' | 'escape' | 'recursiveEscape' | 'completelyDiscard'
    nonTextTags?: string[]
    transformTags?: Record<string, (tagName: string, attribs: Record<string, string>) => Tag>
  }
  function sanitizeHtml(dirty: string, options?: SanitizeOptions): string
  export default sanitizeHtml
}
