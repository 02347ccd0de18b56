import { describe, expect, it } from 'vitest';
import { inlineCodeToHtml } from '../../site/lib/inline-code.ts';

describe('inlineCodeToHtml', () => {
  it('marks `code` and escapes everything else', () => {
    expect(inlineCodeToHtml('Use `res.writeHead(204).end()` & return')).toBe('Use <code>res.writeHead(204).end()</code> &amp; return');
    expect(inlineCodeToHtml('<script>alert("x")</script> `<b>`')).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; <code>&lt;b&gt;</code>');
    expect(inlineCodeToHtml('an odd ` backtick')).toBe('an odd ` backtick');
  });
});
