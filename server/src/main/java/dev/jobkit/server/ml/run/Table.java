package dev.jobkit.server.ml.run;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

/**
 * A numeric CSV as the apps read it: comma-separated, every non-empty line with the same number of
 * cells; a first line with a cell that is not a number is the header (as the service counts a
 * dataset's rows and columns), otherwise the columns are named {@code c1}, {@code c2}, ...
 *
 * @param names the column names
 * @param rows the values, row by row
 */
record Table(List<String> names, double[][] rows) {

  /** A CSV that cannot be read as numbers, with the line and the reason. */
  static final class BadCsvException extends Exception {
    BadCsvException(String message) {
      super(message);
    }
  }

  int columns() {
    return names.size();
  }

  static Table parse(String what, String text) throws BadCsvException {
    List<double[]> rows = new ArrayList<>();
    List<String> names = null;
    int columns = -1;
    int number = 0;
    try (BufferedReader lines = new BufferedReader(new StringReader(text))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        String[] cells = line.split(",", -1);
        if (columns < 0) {
          columns = cells.length;
        } else if (cells.length != columns) {
          throw new BadCsvException(
              what
                  + ": line "
                  + number
                  + " has "
                  + cells.length
                  + " columns, the first line "
                  + columns);
        }
        double[] values = new double[cells.length];
        boolean header = false;
        for (int i = 0; i < cells.length; i++) {
          try {
            values[i] = Double.parseDouble(cells[i].strip());
            if (!Double.isFinite(values[i])) {
              throw new NumberFormatException();
            }
          } catch (NumberFormatException e) {
            if (rows.isEmpty() && names == null) {
              header = true;
              break;
            }
            throw new BadCsvException(
                what
                    + ": line "
                    + number
                    + ", column "
                    + (i + 1)
                    + ": '"
                    + cells[i].strip()
                    + "' is not a finite number");
          }
        }
        if (header) {
          names = new ArrayList<>();
          for (String cell : cells) {
            names.add(cell.strip());
          }
        } else {
          rows.add(values);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("reading a string cannot fail", e);
    }
    if (rows.isEmpty()) {
      throw new BadCsvException(what + ": no rows of numbers");
    }
    if (names == null) {
      names = new ArrayList<>();
      for (int i = 1; i <= columns; i++) {
        names.add("c" + i);
      }
    }
    return new Table(List.copyOf(names), rows.toArray(new double[0][]));
  }
}
