package dev.jobkit.server.ml.run;

import java.util.Random;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * A multi-output linear regression {@code Y = [X 1] W}, trained by mini-batch gradient descent on
 * the mean squared error, with Apache Commons Math's matrices: {@code W} has one row per feature
 * plus a last row of biases, one column per target.
 */
final class LinearModel {

  /** What is told after each epoch: its number (from 1) and the mean squared error after it. */
  interface EpochListener {
    void epoch(int epoch, double mse) throws Exception;
  }

  private final RealMatrix weights;

  LinearModel(RealMatrix weights) {
    this.weights = weights;
  }

  RealMatrix weights() {
    return weights;
  }

  int features() {
    return weights.getRowDimension() - 1;
  }

  int outputs() {
    return weights.getColumnDimension();
  }

  /**
   * Trains from zero weights: each epoch visits the rows in a new order (from {@code seed}), in
   * batches of {@code batchSize}, each a step of {@code lr} against the batch's gradient.
   */
  static LinearModel fit(
      double[][] x,
      double[][] y,
      int batchSize,
      double lr,
      int epochs,
      long seed,
      EpochListener listener)
      throws Exception {
    RealMatrix xs = withBias(x);
    RealMatrix ys = MatrixUtils.createRealMatrix(y);
    int n = xs.getRowDimension();
    RealMatrix w = MatrixUtils.createRealMatrix(xs.getColumnDimension(), ys.getColumnDimension());
    int[] columnsX = range(xs.getColumnDimension());
    int[] columnsY = range(ys.getColumnDimension());
    int[] order = range(n);
    Random random = new Random(seed);
    for (int epoch = 1; epoch <= epochs; epoch++) {
      shuffle(order, random);
      for (int start = 0; start < n; start += batchSize) {
        int[] batch = java.util.Arrays.copyOfRange(order, start, Math.min(n, start + batchSize));
        RealMatrix xb = xs.getSubMatrix(batch, columnsX);
        RealMatrix error = xb.multiply(w).subtract(ys.getSubMatrix(batch, columnsY));
        // d/dW of mean((XbW - Yb)^2) over the batch's cells.
        RealMatrix gradient =
            xb.transpose().multiply(error).scalarMultiply(2.0 / (batch.length * columnsY.length));
        w = w.subtract(gradient.scalarMultiply(lr));
      }
      double mse = new LinearModel(w).mse(x, y);
      if (!Double.isFinite(mse)) {
        throw new ArithmeticException(
            "the loss is no longer finite after epoch " + epoch + ": lower lr (now " + lr + ")");
      }
      listener.epoch(epoch, mse);
    }
    return new LinearModel(w);
  }

  /** The predictions for {@code x}, one row each. */
  double[][] predict(double[][] x) {
    return withBias(x).multiply(weights).getData();
  }

  /** The mean squared error over every cell of {@code y}. */
  double mse(double[][] x, double[][] y) {
    RealMatrix error = withBias(x).multiply(weights).subtract(MatrixUtils.createRealMatrix(y));
    double norm = error.getFrobeniusNorm();
    return norm * norm / (error.getRowDimension() * (double) error.getColumnDimension());
  }

  private static RealMatrix withBias(double[][] x) {
    RealMatrix m = MatrixUtils.createRealMatrix(x.length, x[0].length + 1);
    m.setSubMatrix(x, 0, 0);
    for (int i = 0; i < x.length; i++) {
      m.setEntry(i, x[0].length, 1.0);
    }
    return m;
  }

  private static int[] range(int n) {
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    return all;
  }

  private static void shuffle(int[] order, Random random) {
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }
}
