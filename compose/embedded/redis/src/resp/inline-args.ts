/**
 * Splits an inline command line (what `telnet` or `redis-cli` raw mode sends) into arguments,
 * following redis-server's rules: whitespace separates arguments; "double quotes" understand
 * \n \r \t \b \a \xHH and \<char>; 'single quotes' understand only \'; a closing quote must be
 * followed by whitespace or the end of the line. Returns undefined for unbalanced quotes.
 */
export function splitInlineArgs(line: Buffer): Buffer[] | undefined {
  const args: Buffer[] = [];
  let pos = 0;
  while (true) {
    while (pos < line.length && isSpace(line[pos] as number)) pos++;
    if (pos >= line.length) return args;
    const token: number[] = [];
    let mode: 'plain' | 'double' | 'single' = 'plain';
    let done = false;
    while (!done) {
      if (pos >= line.length) {
        if (mode !== 'plain') return undefined;
        break;
      }
      const byte = line[pos] as number;
      if (mode === 'double') {
        if (byte === 0x5c /* \ */ && pos + 3 < line.length && line[pos + 1] === 0x78 /* x */ &&
            isHex(line[pos + 2] as number) && isHex(line[pos + 3] as number)) {
          token.push(parseInt(String.fromCharCode(line[pos + 2] as number, line[pos + 3] as number), 16));
          pos += 4;
          continue;
        }
        if (byte === 0x5c && pos + 1 < line.length) {
          token.push(unescape(line[pos + 1] as number));
          pos += 2;
          continue;
        }
        if (byte === 0x22 /* " */) {
          if (pos + 1 < line.length && !isSpace(line[pos + 1] as number)) return undefined;
          done = true;
        } else {
          token.push(byte);
        }
      } else if (mode === 'single') {
        if (byte === 0x5c && line[pos + 1] === 0x27 /* ' */) {
          token.push(0x27);
          pos += 2;
          continue;
        }
        if (byte === 0x27) {
          if (pos + 1 < line.length && !isSpace(line[pos + 1] as number)) return undefined;
          done = true;
        } else {
          token.push(byte);
        }
      } else if (isSpace(byte)) {
        done = true;
      } else if (byte === 0x22) {
        mode = 'double';
      } else if (byte === 0x27) {
        mode = 'single';
      } else {
        token.push(byte);
      }
      pos++;
    }
    args.push(Buffer.from(token));
  }
}

function isSpace(byte: number): boolean {
  // C isspace(): space, \t, \n, \v, \f, \r
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
}

function isHex(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66) || (byte >= 0x41 && byte <= 0x46);
}

function unescape(byte: number): number {
  switch (byte) {
    case 0x6e: return 0x0a; // \n
    case 0x72: return 0x0d; // \r
    case 0x74: return 0x09; // \t
    case 0x62: return 0x08; // \b
    case 0x61: return 0x07; // \a
    default: return byte;
  }
}
