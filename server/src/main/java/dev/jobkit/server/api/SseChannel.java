package dev.jobkit.server.api;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.json.JsonMapper;

/**
 * One Server-Sent Events answer, written with the servlet container's non-blocking output: frames
 * wait in this stream's own queue and go out only when the socket takes them ({@link
 * ServletOutputStream#isReady()}), so no thread ever blocks on a client that does not read. The
 * queue is bounded by its owner: {@link #room()} says how many bytes may still be queued; a log
 * stream reads its file only as far as that, an event stream drops its reader when an event does
 * not fit.
 *
 * <p>Anyone may {@link #send} from any thread: a send never blocks. When the socket takes nothing
 * for a while the stream is {@linkplain #stalledNanos stalled}, and {@link OpenStreams} drops it.
 */
final class SseChannel implements WriteListener, AsyncListener {

  private enum State {
    OPEN,
    /** The last frame is queued; the answer completes once it is written. */
    CLOSING,
    CLOSED
  }

  private record Frame(byte[] bytes, String id) {}

  private final AsyncContext async;
  private final ServletOutputStream out;
  private final long capacity;
  private final ArrayDeque<Frame> queue = new ArrayDeque<>();
  private final List<Runnable> onClosed = new CopyOnWriteArrayList<>();
  private volatile Runnable onDrained = () -> {};
  private long queuedBytes;
  private boolean flushNeeded;
  private long stalledSince;
  private State state = State.OPEN;
  private String lastWrittenId;

  /**
   * @param lastId the id a client would resume from before any event was written: the offset it
   *     asked for, or the Last-Event-ID it came with (null if none)
   */
  SseChannel(AsyncContext async, long capacity, String lastId) throws IOException {
    this.async = async;
    this.out = async.getResponse().getOutputStream();
    this.capacity = capacity;
    this.lastWrittenId = lastId;
    async.setTimeout(0);
    async.addListener(this);
    out.setWriteListener(this);
  }

  /** Called (on some thread, never under this stream's lock) whenever the queue has emptied. */
  void onDrained(Runnable action) {
    this.onDrained = action;
  }

  /** Called once when the stream is over, for whatever reason. */
  void onClosed(Runnable action) {
    onClosed.add(action);
  }

  /** How many more bytes may be queued. */
  synchronized long room() {
    return state == State.OPEN ? Math.max(0, capacity - queuedBytes) : 0;
  }

  synchronized boolean isOpen() {
    return state == State.OPEN;
  }

  /** Bytes waiting in this stream's queue (not yet handed to the container). */
  synchronized long queuedBytes() {
    return queuedBytes;
  }

  /**
   * Queues an event and writes what the socket takes now; {@code id} is what a client resumes from
   * once it has this event. Ignored once the stream is closing.
   */
  void send(String id, String name, byte[] json) {
    enqueue(event(id, name, json), id, State.OPEN);
  }

  /**
   * Queues the stream's subscription point: a {@code subscribed} comment and {@code id}, with no
   * data, so that a client takes the id as its last event id without being shown an event.
   */
  void subscribedAt(String id) {
    enqueue((":subscribed\nid:" + id + "\n\n").getBytes(StandardCharsets.UTF_8), id, State.OPEN);
  }

  /** Queues a comment (a keep-alive); ignored once the stream is closing. */
  void comment(String text) {
    enqueue((":" + text + "\n\n").getBytes(StandardCharsets.UTF_8), null, State.OPEN);
  }

  /** Queues the stream's last event and completes the answer once it is written. */
  void finish(String name, byte[] json) {
    enqueue(event(null, name, json), null, State.CLOSING);
  }

  /**
   * Drops the reader: whatever still waits is discarded, and the last event is {@code dropped} with
   * the reason and the id to resume from (the id of the last event handed to the socket). A client
   * that reads again gets every event up to that one, then this one.
   */
  void drop(String reason, JsonMapper json) {
    drop(reason, true, json);
  }

  /**
   * Drops the reader as {@link #drop(String, JsonMapper)} does; a reader that may not come back (a
   * share token revoked or expired) is not told to reconnect.
   */
  void drop(String reason, boolean resumable, JsonMapper json) {
    synchronized (this) {
      if (state != State.OPEN) {
        return;
      }
      // In one step, so that no event slips in between the last one written and this one.
      queue.clear();
      queuedBytes = 0;
      Map<String, Object> data = new LinkedHashMap<>();
      data.put(
          "reason", reason + (resumable ? resumeHint(lastWrittenId) : "; it cannot reconnect"));
      data.put("last_event_id", lastWrittenId);
      byte[] frame = event(null, "dropped", json.writeValueAsBytes(data));
      queue.add(new Frame(frame, null));
      queuedBytes = frame.length;
      state = State.CLOSING;
    }
    write();
  }

  private static String resumeHint(String id) {
    return id == null
        ? "; reconnect to follow it again"
        : "; reconnect with Last-Event-ID: " + id + " to resume where it stopped";
  }

  /** Ends the answer now, without a last event (the service is stopping, or the client left). */
  void close() {
    boolean wasClosed;
    synchronized (this) {
      wasClosed = state == State.CLOSED;
      state = State.CLOSED;
      queue.clear();
      queuedBytes = 0;
    }
    if (wasClosed) {
      return;
    }
    try {
      async.complete();
    } catch (IllegalStateException alreadyOver) {
      // the container ended it first (an error, or the client left)
    }
    for (Runnable action : onClosed) {
      action.run();
    }
  }

  /**
   * How long the socket has taken nothing while bytes waited for it, in nanoseconds as of {@code
   * now} ({@link System#nanoTime()}); 0 if it is not stalled.
   */
  synchronized long stalledNanos(long now) {
    return stalledSince == 0 ? 0 : now - stalledSince;
  }

  private void enqueue(byte[] bytes, String id, State after) {
    synchronized (this) {
      if (state != State.OPEN) {
        return;
      }
      queue.add(new Frame(bytes, id));
      queuedBytes += bytes.length;
      state = after;
    }
    write();
  }

  /** Writes as much as the socket takes now, without ever waiting for it. */
  private void write() {
    boolean drained = false;
    boolean complete = false;
    boolean failed = false;
    synchronized (this) {
      if (state == State.CLOSED) {
        return;
      }
      try {
        while (out.isReady()) {
          Frame next = queue.poll();
          if (next != null) {
            queuedBytes -= next.bytes().length;
            out.write(next.bytes());
            if (next.id() != null) {
              lastWrittenId = next.id();
            }
            flushNeeded = true;
          } else if (flushNeeded) {
            flushNeeded = false;
            out.flush();
          } else {
            stalledSince = 0;
            complete = state == State.CLOSING;
            drained = !complete;
            break;
          }
        }
        if (!drained && !complete && stalledSince == 0) {
          stalledSince = Math.max(1, System.nanoTime());
        }
      } catch (IOException | IllegalStateException gone) {
        failed = true;
      }
    }
    if (failed || complete) {
      close();
    } else if (drained) {
      onDrained.run();
    }
  }

  @Override
  public void onWritePossible() {
    synchronized (this) {
      stalledSince = 0;
    }
    write();
  }

  @Override
  public void onError(Throwable t) {
    close();
    completeAfterError();
  }

  @Override
  public void onComplete(AsyncEvent event) {
    close();
  }

  @Override
  public void onTimeout(AsyncEvent event) {
    close();
  }

  @Override
  public void onError(AsyncEvent event) {
    close();
    completeAfterError();
  }

  /**
   * Completes the answer after an error (the client left), even if it was closed before: the
   * container otherwise renders its error page into the event stream.
   */
  private void completeAfterError() {
    try {
      async.complete();
    } catch (IllegalStateException alreadyOver) {
      // completed already
    }
  }

  @Override
  public void onStartAsync(AsyncEvent event) {}

  private static byte[] event(String id, String name, byte[] json) {
    StringBuilder head = new StringBuilder();
    if (id != null) {
      head.append("id:").append(id).append('\n');
    }
    head.append("event:").append(name).append('\n').append("data:");
    byte[] start = head.toString().getBytes(StandardCharsets.UTF_8);
    for (byte b : json) {
      if (b == '\n' || b == '\r') {
        throw new IllegalArgumentException("an event's data must be compact JSON, on one line");
      }
    }
    byte[] frame = new byte[start.length + json.length + 2];
    System.arraycopy(start, 0, frame, 0, start.length);
    System.arraycopy(json, 0, frame, start.length, json.length);
    frame[frame.length - 2] = '\n';
    frame[frame.length - 1] = '\n';
    return frame;
  }
}
