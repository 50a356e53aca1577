/** The small markdown subset text panels support; anything else is a paragraph. */
export type TextBlock = { kind: 'h1' | 'h2' | 'p' | 'li'; text: string }

function inline(text: string): string {
  return text
    .replace(/\*\*(.+?)\*\*/g, '$1')
    .replace(/__(.+?)__/g, '$1')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1 ($2)')
    .trim()
}

export function parseTextBlocks(source: string): TextBlock[] {
  const blocks: TextBlock[] = []
  let paragraph: string[] = []
  const flush = () => {
    if (paragraph.length) blocks.push({ kind: 'p', text: inline(paragraph.join(' ')) })
    paragraph = []
  }
  for (const raw of source.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trim()
    const heading = /^(#{1,6})\s+(.*)$/.exec(line)
    const bullet = /^[-*+]\s+(.*)$/.exec(line) ?? /^\d+[.)]\s+(.*)$/.exec(line)
    if (!line) flush()
    else if (heading) {
      flush()
      blocks.push({ kind: heading[1]!.length === 1 ? 'h1' : 'h2', text: inline(heading[2] ?? '') })
    } else if (bullet) {
      flush()
      blocks.push({ kind: 'li', text: inline(bullet[1] ?? '') })
    } else paragraph.push(line)
  }
  flush()
  return blocks
}
