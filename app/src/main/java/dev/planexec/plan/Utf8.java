package dev.planexec.plan;

/** Strict UTF-8 as Unicode defines it (Table 3-7): no overlong forms, no surrogates, nothing above U+10FFFF. */
final class Utf8 {
    private Utf8() {}

    static void check(byte[] b, int from) throws JsonSource.MalformedJsonException {
        int i = from;
        int n = b.length;
        while (i < n) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                i++;
                continue;
            }
            int length;
            int lo = 0x80;
            int hi = 0xBF;
            if (c >= 0xC2 && c <= 0xDF) {
                length = 2;
            } else if (c >= 0xE0 && c <= 0xEF) {
                length = 3;
                if (c == 0xE0) {
                    lo = 0xA0;
                } else if (c == 0xED) {
                    hi = 0x9F;
                }
            } else if (c >= 0xF0 && c <= 0xF4) {
                length = 4;
                if (c == 0xF0) {
                    lo = 0x90;
                } else if (c == 0xF4) {
                    hi = 0x8F;
                }
            } else {
                // Say which bytes: C0 AF, the overlong "/", is more use to the reader than C0 alone.
                int count = 1;
                while (count < 4 && i + count < n && (b[i + count] & 0xC0) == 0x80) {
                    count++;
                }
                throw invalid(b, i, count);
            }
            for (int k = 1; k < length; k++) {
                if (i + k >= n) {
                    throw invalid(b, i, k);
                }
                int next = b[i + k] & 0xFF;
                int min = k == 1 ? lo : 0x80;
                int max = k == 1 ? hi : 0xBF;
                if (next < min || next > max) {
                    throw invalid(b, i, k + 1);
                }
            }
            i += length;
        }
    }

    private static JsonSource.MalformedJsonException invalid(byte[] b, int at, int count) {
        StringBuilder hex = new StringBuilder();
        for (int k = 0; k < count && at + k < b.length; k++) {
            hex.append(k == 0 ? "" : " ").append(String.format("%02X", b[at + k] & 0xFF));
        }
        return new JsonSource.MalformedJsonException(
                at, "malformed JSON: not UTF-8 (bytes " + hex + "); a plan file must be UTF-8");
    }
}
