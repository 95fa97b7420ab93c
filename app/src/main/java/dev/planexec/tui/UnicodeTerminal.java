package dev.planexec.tui;

import com.googlecode.lanterna.screen.Screen;
import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.MouseCaptureMode;
import com.googlecode.lanterna.terminal.ansi.UnixTerminal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;

/**
 * The real terminal, as Lanterna's Unix terminal, except that a character outside the Basic Multilingual Plane (an
 * emoji) is written whole: Lanterna encodes a string one {@code char} at a time, and each half of a surrogate pair
 * alone encodes as {@code ?}.
 */
public final class UnicodeTerminal extends UnixTerminal {
    private char pendingHigh;

    private UnicodeTerminal(InputStream in, OutputStream out, Charset charset) throws IOException {
        super(in, out, charset, CtrlCBehaviour.TRAP);
    }

    /** The screen the UI draws on: Ctrl+C is a key (not a signal), clicks and the wheel are reported. */
    public static Screen openScreen(InputStream in, OutputStream out, Charset charset) throws IOException {
        UnicodeTerminal terminal = new UnicodeTerminal(in, out, charset);
        terminal.setMouseCaptureMode(MouseCaptureMode.CLICK_RELEASE);
        return new TerminalScreen(terminal);
    }

    @Override
    protected byte[] translateCharacter(char c) {
        if (Character.isHighSurrogate(c)) {
            pendingHigh = c;
            return new byte[0];
        }
        if (Character.isLowSurrogate(c) && pendingHigh != 0) {
            String whole = new String(new char[] {pendingHigh, c});
            pendingHigh = 0;
            return whole.getBytes(getCharset());
        }
        pendingHigh = 0;
        return super.translateCharacter(c);
    }
}
