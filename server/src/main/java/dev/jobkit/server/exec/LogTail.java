package dev.jobkit.server.exec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads the end of a log file: seeks to at most 4 bytes per wanted character before the end and
 * decodes from there, so serving the tail of a 1 GiB log costs what it costs for a 1 MiB one.
 */
public final class LogTail {

  /**
   * The last characters of a file (or of a part of it), and where the bytes read end: the file's
   * size when they were read, for a whole file.
   */
  public record Chunk(String text, long sizeBytes, boolean truncated) {}

  private LogTail() {}

  /** The last {@code maxChars} characters of {@code file}; empty if it does not exist yet. */
  public static Chunk read(Path file, int maxChars) {
    return read(file, 0, Long.MAX_VALUE, maxChars);
  }

  /**
   * The last {@code maxChars} characters of the bytes {@code from} to {@code to} of {@code file}
   * (one attempt's part of a log), reading no more than 4 bytes per character back from {@code to};
   * {@code to} past the file's end is its end. The chunk's size is where what was read ends.
   */
  public static Chunk read(Path file, long from, long to, int maxChars) {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long end = Math.min(to, channel.size());
      if (end <= from) {
        return new Chunk("", Math.max(end, from), false);
      }
      long start = Math.max(from, end - 4L * maxChars);
      ByteBuffer bytes = ByteBuffer.allocate(Math.toIntExact(end - start));
      while (bytes.hasRemaining() && channel.read(bytes, start + bytes.position()) >= 0) {
        // read until the buffer is full or the file ends
      }
      bytes.flip();
      if (start > from) {
        // Skip the tail of a character cut by the seek.
        while (bytes.hasRemaining() && (bytes.get(bytes.position()) & 0xC0) == 0x80) {
          bytes.get();
        }
      }
      String text = decode(bytes);
      boolean truncated = start > from;
      if (text.length() > maxChars) {
        int cut = text.length() - maxChars;
        if (Character.isLowSurrogate(text.charAt(cut))) {
          cut++;
        }
        text = text.substring(cut);
        truncated = true;
      }
      return new Chunk(text, end, truncated);
    } catch (NoSuchFileException notYet) {
      return new Chunk("", from, false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads what was appended to {@code file} from byte {@code offset}, at most {@code max}. */
  public static byte[] readFrom(Path file, long offset, int max) {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (offset >= size) {
        return new byte[0];
      }
      ByteBuffer bytes = ByteBuffer.allocate((int) Math.min(max, size - offset));
      while (bytes.hasRemaining() && channel.read(bytes, offset + bytes.position()) > 0) {
        // read until the buffer is full or the file ends
      }
      byte[] out = new byte[bytes.position()];
      bytes.flip().get(out);
      return out;
    } catch (NoSuchFileException notYet) {
      return new byte[0];
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String decode(ByteBuffer bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE)
          .decode(bytes)
          .toString();
    } catch (CharacterCodingException cannotHappenWithReplace) {
      throw new IllegalStateException(cannotHappenWithReplace);
    }
  }
}
