package dev.planexec.tui;

import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import com.googlecode.lanterna.screen.Screen;
import java.io.IOException;

/**
 * Reads keys on a thread of its own and posts them to the UI's inbox. It asks the terminal without blocking, a few
 * milliseconds apart, rather than blocking in a read: a read cannot be cancelled, and while the UI is suspended (a
 * pager, an agent's own CLI) the keys belong to that program, not to a read left waiting here. A terminal that can
 * no longer be read (hung up) is reported as {@link UiInbox.HangUp}.
 */
final class KeyReader implements AutoCloseable {
    private static final long IDLE_MILLIS = 10;

    private final Screen screen;
    private final UiInbox inbox;
    private final Thread thread;
    private volatile boolean closed;
    private boolean paused;

    private KeyReader(Screen screen, UiInbox inbox) {
        this.screen = screen;
        this.inbox = inbox;
        this.thread = new Thread(this::loop, "planexec-keys");
        thread.setDaemon(true);
    }

    static KeyReader start(Screen screen, UiInbox inbox) {
        KeyReader reader = new KeyReader(screen, inbox);
        reader.thread.start();
        return reader;
    }

    /** Stops reading until {@link #resume}; returns once no read is under way. */
    synchronized void pause() {
        paused = true;
    }

    synchronized void resume() {
        paused = false;
        notifyAll();
    }

    private void loop() {
        while (!closed) {
            try {
                KeyStroke key;
                synchronized (this) {
                    while (paused && !closed) {
                        wait();
                    }
                    key = closed ? null : screen.pollInput();
                }
                if (key == null) {
                    Thread.sleep(IDLE_MILLIS);
                } else if (key.getKeyType() == KeyType.EOF) {
                    inbox.post(new UiInbox.HangUp());
                    return;
                } else {
                    inbox.post(new UiInbox.Key(key));
                }
            } catch (IOException | RuntimeException e) {
                inbox.post(new UiInbox.HangUp());
                return;
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        thread.interrupt();
    }
}
