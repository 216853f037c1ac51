package dev.jobkit.server.ml.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The train and predict programs' logic, without a service: CSV, fitting, weights' round trip. */
class TrainerTest {

  /** The map docs/examples/genes.csv was generated from (plus noise of sd 0.05). */
  private static final double[][] TRUE_WEIGHTS = {
    {0.8, -0.5},
    {-1.2, 0.3},
    {0.5, 0.9},
    {0.0, -0.7},
    {1.5, 0.2},
    {-0.3, -1.1},
    {0.7, 0.4},
    {-0.9, 0.6},
    {0.25, -0.5}
  };

  private static Table genes() throws Exception {
    return Table.parse("genes.csv", Files.readString(Path.of("../docs/examples/genes.csv")));
  }

  @Test
  void the_example_dataset_has_a_header_and_200_rows_of_10_columns() throws Exception {
    Table table = genes();
    assertThat(table.names()).startsWith("g1").endsWith("y1", "y2").hasSize(10);
    assertThat(table.rows()).hasNumberOfRows(200);
  }

  @Test
  void training_recovers_the_map_and_the_loss_falls() throws Exception {
    Train.Split data = Train.split(genes(), "genes", 8, 2);
    List<Double> losses = new ArrayList<>();
    LinearModel model =
        LinearModel.fit(data.x(), data.y(), 16, 0.05, 60, Train.SEED, (e, mse) -> losses.add(mse));
    assertThat(losses).hasSize(60);
    // Falling until it reaches the noise's floor, where stochastic steps jitter around it.
    for (int i = 1; i < 10; i++) {
      assertThat(losses.get(i)).isLessThan(losses.get(i - 1));
    }
    assertThat(losses.get(59)).isLessThan(0.01); // the noise's variance is 0.0025
    for (int r = 0; r < TRUE_WEIGHTS.length; r++) {
      for (int c = 0; c < 2; c++) {
        assertThat(model.weights().getEntry(r, c)).isCloseTo(TRUE_WEIGHTS[r][c], within(0.05));
      }
    }
    // weights.csv as train writes it reads back as the same model.
    LinearModel again = Predict.model(Predict.weightsTable(Train.weights(model.weights(), data)));
    assertThat(again.predict(data.x())[7]).containsExactly(model.predict(data.x())[7]);
    assertThat(again.mse(data.x(), data.y())).isEqualTo(model.mse(data.x(), data.y()));
  }

  @Test
  void with_the_default_lr_the_loss_still_falls() throws Exception {
    Train.Split data = Train.split(genes(), "genes", 8, 2);
    List<Double> losses = new ArrayList<>();
    LinearModel.fit(data.x(), data.y(), 64, 1e-4, 100, Train.SEED, (e, mse) -> losses.add(mse));
    assertThat(losses.get(99)).isLessThan(losses.get(0));
  }

  @Test
  void a_dataset_whose_columns_do_not_match_is_refused_with_the_counts() throws Exception {
    assertThatThrownBy(() -> Train.split(genes(), "ds_x", 8, 3))
        .isInstanceOf(JobContext.Failure.class)
        .hasMessage(
            "dataset ds_x has 10 columns, but gene_size 8 + output_dim 3 = 11 (the features, then"
                + " the targets)");
  }

  @Test
  void a_ragged_or_non_numeric_csv_names_its_line() {
    assertThatThrownBy(() -> Table.parse("d", "a,b\n1,2\n3\n"))
        .hasMessage("d: line 3 has 1 columns, the first line 2");
    assertThatThrownBy(() -> Table.parse("d", "a,b\n1,2\n3,x\n"))
        .hasMessage("d: line 3, column 2: 'x' is not a finite number");
    assertThatThrownBy(() -> Table.parse("d", "a,b\n")).hasMessage("d: no rows of numbers");
  }
}
