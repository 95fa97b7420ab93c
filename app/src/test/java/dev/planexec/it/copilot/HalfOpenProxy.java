package dev.planexec.it.copilot;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP forwarder on 127.0.0.1 in front of a Copilot server that keeps its connection to the server open when the
 * client side goes away: what a server sees when its client vanished without the connection being closed (a machine
 * that lost power, a network that dropped), so it goes on with the turn in progress. {@link #close} closes it all.
 */
final class HalfOpenProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    private HalfOpenProxy(ServerSocket listener, String target) {
        this.listener = listener;
        String[] hostPort = target.split(":");
        Thread accept = new Thread(
                () -> {
                    while (!listener.isClosed()) {
                        try {
                            Socket client = listener.accept();
                            Socket server = new Socket(hostPort[0], Integer.parseInt(hostPort[1]));
                            sockets.add(client);
                            sockets.add(server);
                            pump(client.getInputStream(), server.getOutputStream());
                            pump(server.getInputStream(), client.getOutputStream());
                        } catch (IOException e) {
                            return;
                        }
                    }
                },
                "half-open-proxy");
        accept.setDaemon(true);
        accept.start();
    }

    /** Starts forwarding a port of its own to {@code target} ({@code HOST:PORT}). */
    static HalfOpenProxy to(String target) {
        try {
            return new HalfOpenProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String address() {
        return "127.0.0.1:" + listener.getLocalPort();
    }

    /** Copies until the source ends; then leaves the destination open. What cannot be written is dropped. */
    private static void pump(InputStream in, OutputStream out) {
        Thread t = new Thread(
                () -> {
                    byte[] buffer = new byte[8192];
                    boolean writable = true;
                    try {
                        for (int n; (n = in.read(buffer)) >= 0; ) {
                            if (writable) {
                                try {
                                    out.write(buffer, 0, n);
                                    out.flush();
                                } catch (IOException e) {
                                    writable = false; // the client is gone; keep reading so the server never blocks
                                }
                            }
                        }
                    } catch (IOException e) {
                        // the source is gone: leave the other side as it is
                    }
                },
                "half-open-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
