import { describe, expect, it } from "vitest";
import { detectEntities, formatText } from "../emulator/formatting/index.ts";

const html = (text: string) => formatText(text, "HTML", undefined);
const md2 = (text: string) => formatText(text, "MarkdownV2", undefined);
const parseError = (message: string) => `Bad Request: can't parse entities: ${message}`;

describe("HTML parse mode", () => {
  it("strips tags into entities with UTF-16 offsets", () => {
    expect(html("😀 <b>Алиса</b>, <i>привет</i>")).toEqual({
      text: "😀 Алиса, привет",
      entities: [
        { type: "bold", offset: 3, length: 5 },
        { type: "italic", offset: 10, length: 6 },
      ],
    });
  });

  it("decodes entities and supports links, code, spoilers and quotes", () => {
    expect(html("&lt;b&gt; &amp; &quot;x&quot; &#128512; &unknown;").text).toBe(
      '<b> & "x" 😀 &unknown;',
    );
    expect(html('<a href="https://example.com/?a=1&amp;b=2">site</a>').entities).toEqual([
      { type: "text_link", offset: 0, length: 4, url: "https://example.com/?a=1&b=2" },
    ]);
    expect(html('<pre><code class="language-ts">let x</code></pre>').entities).toEqual([
      { type: "pre", offset: 0, length: 5, language: "ts" },
    ]);
    expect(html('<span class="tg-spoiler">a</span><tg-spoiler>b</tg-spoiler>').entities).toEqual([
      { type: "spoiler", offset: 0, length: 1 },
      { type: "spoiler", offset: 1, length: 1 },
    ]);
    expect(html("<blockquote expandable>q</blockquote>").entities).toEqual([
      { type: "expandable_blockquote", offset: 0, length: 1 },
    ]);
  });

  it("rejects what Telegram rejects, with byte offsets", () => {
    expect(() => html("Привет <user>")).toThrow(
      parseError('Unsupported start tag "user" at byte offset 13'),
    );
    expect(() => html("<b>open")).toThrow(
      parseError('Can\'t find end tag corresponding to start tag "b"'),
    );
    expect(() => html("x</b>")).toThrow(parseError("Unexpected end tag at byte offset 1"));
    expect(() => html("<b>x</i>")).toThrow(
      parseError('Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
    );
    expect(() => html("<span>x</span>")).toThrow(
      parseError('Tag "span" must have class "tg-spoiler" at byte offset 0'),
    );
    expect(() => html("a < b")).toThrow(parseError('Unsupported start tag "" at byte offset 2'));
  });
});

describe("MarkdownV2 parse mode", () => {
  it("parses every entity kind", () => {
    expect(md2("*b* _i_ __u__ ~s~ ||p|| `c` [l](https://t.me/x)")).toEqual({
      text: "b i u s p c l",
      entities: [
        { type: "bold", offset: 0, length: 1 },
        { type: "italic", offset: 2, length: 1 },
        { type: "underline", offset: 4, length: 1 },
        { type: "strikethrough", offset: 6, length: 1 },
        { type: "spoiler", offset: 8, length: 1 },
        { type: "code", offset: 10, length: 1 },
        { type: "text_link", offset: 12, length: 1, url: "https://t.me/x" },
      ],
    });
    expect(md2("```js\nconst a = 1;```")).toEqual({
      text: "const a = 1;",
      entities: [{ type: "pre", offset: 0, length: 12, language: "js" }],
    });
    expect(md2(">quote\nafter")).toEqual({
      text: "quote\nafter",
      entities: [{ type: "blockquote", offset: 0, length: 6 }],
    });
    expect(md2("Скидка 5\\.5\\%").text).toBe("Скидка 5.5%");
  });

  it("rejects unescaped reserved characters and unclosed entities", () => {
    expect(() => md2("Итого: 100!")).toThrow(
      parseError("Character '!' is reserved and must be escaped with the preceding '\\'"),
    );
    expect(() => md2("ok *bold")).toThrow(
      parseError("Can't find end of Bold entity at byte offset 3"),
    );
    expect(() => md2("[x](https://t.me")).toThrow(
      parseError("Can't find end of a URL at byte offset 4"),
    );
  });
});

describe("legacy Markdown parse mode", () => {
  it("parses the old syntax without escaping rules", () => {
    expect(formatText("*b* _i_ `c` 5.5!", "Markdown", undefined)).toEqual({
      text: "b i c 5.5!",
      entities: [
        { type: "bold", offset: 0, length: 1 },
        { type: "italic", offset: 2, length: 1 },
        { type: "code", offset: 4, length: 1 },
      ],
    });
    expect(() => formatText("snake_case", "Markdown", undefined)).toThrow(
      parseError("Can't find end of the entity starting at byte offset 5"),
    );
  });
});

describe("text normalization", () => {
  it("trims like Telegram and refuses texts that end up empty", () => {
    expect(formatText("  hi \n", undefined, undefined).text).toBe("hi");
    expect(() => html("<b> </b>")).toThrow("Bad Request: text must be non-empty");
    expect(formatText(" ", undefined, undefined, { allowEmpty: true }).text).toBe("");
    expect(() => formatText("x", "BBCode", undefined)).toThrow(
      "Bad Request: unsupported parse_mode",
    );
  });

  it("detects the entities Telegram adds to user texts", () => {
    expect(detectEntities("/start@loyalty_test_bot ref_1")).toEqual([
      { type: "bot_command", offset: 0, length: 23 },
    ]);
    expect(detectEntities("see https://example.com/a. #promo @loyalty_test_bot")).toEqual([
      { type: "url", offset: 4, length: 21 },
      { type: "hashtag", offset: 27, length: 6 },
      { type: "mention", offset: 34, length: 17 },
    ]);
  });
});
