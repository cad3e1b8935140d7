import { escapeHtml, markup, trustedHtml } from './html';

const SCRIPT = '<script>alert("x")</script>';

describe('markup tagged template', () => {
  it('escapes every interpolated string without being asked', () => {
    expect(markup`<p title="${`" onmouseover='x'`}">${SCRIPT}</p>`.toString()).toBe(
      '<p title="&#34; onmouseover=&#39;x&#39;">&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;</p>',
    );
  });

  it('keeps markup built by itself, so templates nest without double escaping', () => {
    const item = markup`<li>${'a & b'}</li>`;
    expect(markup`<ul>${item}</ul>`.toString()).toBe('<ul><li>a &#38; b</li></ul>');
  });

  it('joins lists and escapes each entry', () => {
    const items = ['<b>', 'ok'].map((s) => markup`<li>${s}</li>`);
    expect(markup`<ul>${items}</ul>`.toString()).toBe('<ul><li>&#60;b&#62;</li><li>ok</li></ul>');
    expect(markup`${['<i>', 1]}`.toString()).toBe('&#60;i&#62;1');
  });

  it('renders false, null and undefined as nothing, numbers and true as text', () => {
    expect(markup`[${false}${null}${undefined}]`.toString()).toBe('[]');
    expect(markup`${42} ${true}`.toString()).toBe('42 true');
  });

  it('passes markup through only when marked trusted', () => {
    expect(markup`${trustedHtml('<form id="f"></form>')}`.toString()).toBe('<form id="f"></form>');
    expect(markup`${'<form id="f"></form>'}`.toString()).not.toContain('<form');
  });

  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;&#60;/a&#62;',
    );
  });
});
