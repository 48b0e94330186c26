<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>AccuracyCurveChart</name>
    <message>
        <source>Accuracy per task</source>
        <translation>タスク別の精度</translation>
    </message>
    <message>
        <source>Training step</source>
        <translation>学習ステップ</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>精度</translation>
    </message>
    <message>
        <source>Task %1</source>
        <translation>タスク %1</translation>
    </message>
</context>
<context>
    <name>AccuracyMatrixChart</name>
    <message>
        <source>Accuracy matrix</source>
        <translation>精度行列</translation>
    </message>
    <message>
        <source>Evaluated task</source>
        <translation>評価したタスク</translation>
    </message>
    <message>
        <source>After training</source>
        <translation>学習後</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>精度</translation>
    </message>
    <message>
        <source>T%1</source>
        <translation>T%1</translation>
    </message>
    <message>
        <source>init</source>
        <translation>初期</translation>
    </message>
    <message>
        <source>after T%1</source>
        <translation>T%1 の後</translation>
    </message>
    <message>
        <source>Before training, task %1: %2 %</source>
        <translation>学習前、タスク %1：%2 %</translation>
    </message>
    <message>
        <source>After task %1, task %2: %3 %</source>
        <translation>タスク %1 の後、タスク %2：%3 %</translation>
    </message>
</context>
<context>
    <name>BackboneDialog</name>
    <message>
        <source>Checkpoint file: empty; choose a .safetensors, .pt or .pth file.</source>
        <translation>チェックポイントファイル: 空です。.safetensors、.pt または .pth ファイルを選んでください。</translation>
    </message>
    <message>
        <source>Checkpoint file: %1</source>
        <translation>チェックポイントファイル: %1</translation>
    </message>
    <message>
        <source>Image size: %1 is not a multiple of the patch size %2; use %3 or %4.</source>
        <translation>画像サイズ: %1 はパッチサイズ %2 の倍数ではありません。%3 または %4 にしてください。</translation>
    </message>
    <message>
        <source>Choose a backbone checkpoint</source>
        <translation>バックボーンのチェックポイントを選択</translation>
    </message>
    <message>
        <source>Checkpoints (*.safetensors *.pt *.pth);;All files (*)</source>
        <translation>チェックポイント (*.safetensors *.pt *.pth);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>clwb checkpoint</source>
        <translation>clwb チェックポイント</translation>
    </message>
    <message>
        <source>PyTorch archive</source>
        <translation>PyTorch アーカイブ</translation>
    </message>
    <message>
        <source>%1, %2 tensor names</source>
        <translation>%1、%2 形式のテンソル名</translation>
    </message>
    <message>
        <source>not matched to a timm name (inferred from the tensors)</source>
        <translation>timm の名前に一致せず（テンソルから推定）</translation>
    </message>
    <message>
        <source>dim %1 · depth %2 · heads %3 · patch %4 · MLP %5</source>
        <translation>次元 %1 · 層 %2 · ヘッド %3 · パッチ %4 · MLP %5</translation>
    </message>
    <message>
        <source>%1 px, %2 channel(s)</source>
        <translation>%1 px、%2 チャンネル</translation>
    </message>
    <message>
        <source>class token</source>
        <translation>クラストークン</translation>
    </message>
    <message>
        <source>mean of the patch tokens, then norm (fc_norm)</source>
        <translation>パッチトークンの平均の後に正規化（fc_norm）</translation>
    </message>
    <message>
        <source>mean of the patch tokens</source>
        <translation>パッチトークンの平均</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>あり</translation>
    </message>
    <message>
        <source>no</source>
        <translation>なし</translation>
    </message>
    <message>
        <source>%1 M</source>
        <translation>%1 M</translation>
    </message>
    <message>
        <source>the dataset&apos;s own statistics</source>
        <translation>データセット自身の統計量</translation>
    </message>
    <message>
        <source>mean %1 / std %2</source>
        <translation>平均 %1 / 標準偏差 %2</translation>
    </message>
    <message>
        <source>none</source>
        <translation>なし</translation>
    </message>
    <message>
        <source>As the checkpoint (%1 px)</source>
        <translation>チェックポイントのまま（%1 px）</translation>
    </message>
    <message>
        <source>As the checkpoint</source>
        <translation>チェックポイントのまま</translation>
    </message>
    <message>
        <source>Reading the checkpoint…</source>
        <translation>チェックポイントを読み込み中…</translation>
    </message>
    <message>
        <source>Usable: OK sets this backbone, its architecture and image size in the experiment.</source>
        <translation>使用できます。OK でこのバックボーンとそのアーキテクチャ、画像サイズを実験に設定します。</translation>
    </message>
    <message>
        <source>Import a backbone checkpoint</source>
        <translation>バックボーンのチェックポイントを取り込む</translation>
    </message>
    <message>
        <source>Checkpoint &amp;file:</source>
        <translation>チェックポイント(&amp;F):</translation>
    </message>
    <message>
        <source>A clwb .pt, or a timm / torchvision ViT as .safetensors, .pt or .pth (docs/backbones.md)</source>
        <translation>clwb の .pt、または timm / torchvision の ViT（.safetensors、.pt、.pth）（docs/backbones.md）</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>参照…</translation>
    </message>
    <message>
        <source>timm &amp;architecture:</source>
        <translation>timm アーキテクチャ(&amp;A):</translation>
    </message>
    <message>
        <source>Inferred from the tensors</source>
        <translation>テンソルから推定</translation>
    </message>
    <message>
        <source>A timm name such as vit_base_patch16_224 fixes what the tensors cannot tell: heads, pooling, preprocessing</source>
        <translation>vit_base_patch16_224 などの timm の名前で、テンソルからは分からないもの（ヘッド数、プーリング、前処理）を確定します</translation>
    </message>
    <message>
        <source>&amp;Image size:</source>
        <translation>画像サイズ(&amp;I):</translation>
    </message>
    <message>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <source>Input size for training; a multiple of the patch size (the position embeddings are interpolated)</source>
        <translation>学習時の入力サイズ。パッチサイズの倍数（位置埋め込みは補間されます）</translation>
    </message>
    <message>
        <source>Detected</source>
        <translation>検出結果</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>形式:</translation>
    </message>
    <message>
        <source>Architecture:</source>
        <translation>アーキテクチャ:</translation>
    </message>
    <message>
        <source>Size:</source>
        <translation>大きさ:</translation>
    </message>
    <message>
        <source>Image size:</source>
        <translation>画像サイズ:</translation>
    </message>
    <message>
        <source>Pooling:</source>
        <translation>プーリング:</translation>
    </message>
    <message>
        <source>Class token:</source>
        <translation>クラストークン:</translation>
    </message>
    <message>
        <source>Layer scale:</source>
        <translation>レイヤースケール:</translation>
    </message>
    <message>
        <source>Parameters:</source>
        <translation>パラメータ数:</translation>
    </message>
    <message>
        <source>Mean / std:</source>
        <translation>平均 / 標準偏差:</translation>
    </message>
    <message>
        <source>Notes:</source>
        <translation>備考:</translation>
    </message>
</context>
<context>
    <name>BenchmarkPresets</name>
    <message>
        <source>CIFAR-100 B0 Inc10 (10 tasks x 10 classes)</source>
        <translation>CIFAR-100 B0 Inc10（10 タスク × 10 クラス）</translation>
    </message>
    <message>
        <source>CIFAR-100 B0 Inc5 (20 tasks x 5 classes)</source>
        <translation>CIFAR-100 B0 Inc5（20 タスク × 5 クラス）</translation>
    </message>
    <message>
        <source>ImageNet-R B0 Inc20 (10 tasks x 20 classes)</source>
        <translation>ImageNet-R B0 Inc20（10 タスク × 20 クラス）</translation>
    </message>
    <message>
        <source>CUB-200 B0 Inc20 (10 tasks x 20 classes)</source>
        <translation>CUB-200 B0 Inc20（10 タスク × 20 クラス）</translation>
    </message>
    <message>
        <source>the CIFAR-100 binary version: train.bin, test.bin, fine_label_names.txt</source>
        <translation>CIFAR-100 のバイナリ版（train.bin、test.bin、fine_label_names.txt）</translation>
    </message>
    <message>
        <source>ImageNet-R as image folders: train/&lt;class&gt;/*.jpg and test/&lt;class&gt;/*.jpg (200 classes, the PILOT split)</source>
        <translation>画像フォルダ形式の ImageNet-R（train/&lt;クラス&gt;/*.jpg と test/&lt;クラス&gt;/*.jpg、200 クラス、PILOT の分割）</translation>
    </message>
    <message>
        <source>CUB-200-2011 as image folders: train/&lt;class&gt;/*.jpg and test/&lt;class&gt;/*.jpg (200 classes)</source>
        <translation>画像フォルダ形式の CUB-200-2011（train/&lt;クラス&gt;/*.jpg と test/&lt;クラス&gt;/*.jpg、200 クラス）</translation>
    </message>
</context>
<context>
    <name>ChartArea</name>
    <message>
        <source>Importance</source>
        <translation>重要度</translation>
    </message>
    <message>
        <source>Confusion</source>
        <translation>混同行列</translation>
    </message>
    <message>
        <source>Drift</source>
        <translation>特徴ドリフト</translation>
    </message>
</context>
<context>
    <name>ChartPanel</name>
    <message>
        <source>Save as PNG…</source>
        <translation>PNG で保存…</translation>
    </message>
    <message>
        <source>Save as PDF…</source>
        <translation>PDF で保存…</translation>
    </message>
    <message>
        <source>Save chart as PDF</source>
        <translation>グラフを PDF で保存</translation>
    </message>
    <message>
        <source>Save chart as PNG</source>
        <translation>グラフを PNG で保存</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF ファイル (*.pdf)</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG 画像 (*.png)</translation>
    </message>
</context>
<context>
    <name>ClassNames</name>
    <message>
        <source>T-shirt/top</source>
        <translation>Tシャツ/トップ</translation>
    </message>
    <message>
        <source>Trouser</source>
        <translation>ズボン</translation>
    </message>
    <message>
        <source>Pullover</source>
        <translation>プルオーバー</translation>
    </message>
    <message>
        <source>Dress</source>
        <translation>ドレス</translation>
    </message>
    <message>
        <source>Coat</source>
        <translation>コート</translation>
    </message>
    <message>
        <source>Sandal</source>
        <translation>サンダル</translation>
    </message>
    <message>
        <source>Shirt</source>
        <translation>シャツ</translation>
    </message>
    <message>
        <source>Sneaker</source>
        <translation>スニーカー</translation>
    </message>
    <message>
        <source>Bag</source>
        <translation>バッグ</translation>
    </message>
    <message>
        <source>Ankle boot</source>
        <translation>アンクルブーツ</translation>
    </message>
    <message>
        <source>Class %1</source>
        <translation>クラス %1</translation>
    </message>
</context>
<context>
    <name>ComparisonView</name>
    <message>
        <source>Select two or more runs in the Runs browser and press Compare.</source>
        <translation>ラン一覧で 2 つ以上のランを選び、「比較」を押してください。</translation>
    </message>
    <message>
        <source>Accuracy matrices side by side; loss curves overlaid; metrics per run (hover a metric for its definition).</source>
        <translation>精度行列を並べて表示し、損失曲線を重ねて表示します。指標はランごとに表示します（指標にカーソルを合わせると定義を表示）。</translation>
    </message>
</context>
<context>
    <name>ConfusionChart</name>
    <message>
        <source>Where the classes went</source>
        <translation>クラスの行き先</translation>
    </message>
    <message>
        <source>Predicted class</source>
        <translation>予測クラス</translation>
    </message>
    <message>
        <source>True class</source>
        <translation>正解クラス</translation>
    </message>
    <message>
        <source>Share of the row</source>
        <translation>行内の割合</translation>
    </message>
    <message>
        <source>Task boundary whose confusion matrix is shown</source>
        <translation>混同行列を表示するタスク境界</translation>
    </message>
    <message>
        <source>none</source>
        <translation>なし</translation>
    </message>
    <message>
        <source>T%1</source>
        <translation>T%1</translation>
    </message>
    <message>
        <source>After task %1, earlier tasks keep their classes: at most %2 % of a task&apos;s images are predicted as task-%1 classes.</source>
        <translation>タスク %1 の後も、以前のタスクはクラスを保っています：タスク %1 のクラスと予測された画像は各タスクで最大 %2 % です。</translation>
    </message>
    <message>
        <source>After task %1, %2 % of task-%3 images are predicted as task-%1 classes; %4 % are still right.</source>
        <translation>タスク %1 の後、タスク %3 の画像の %2 % がタスク %1 のクラスと予測され、正解のままなのは %4 % です。</translation>
    </message>
    <message>
        <source>No confusion data yet: it appears after each task is evaluated.</source>
        <translation>混同行列はまだありません：各タスクの評価後に表示されます。</translation>
    </message>
    <message>
        <source>Before training: rows are true classes, columns predictions.</source>
        <translation>学習前：行は正解クラス、列は予測です。</translation>
    </message>
    <message>
        <source>After task %1: no earlier task to forget yet.</source>
        <translation>タスク %1 の後：忘れうる以前のタスクはまだありません。</translation>
    </message>
    <message>
        <source>%1 predicted as %2: %3 of %4 images (%5 %)</source>
        <translation>%1 を %2 と予測：%4 枚中 %3 枚（%5 %）</translation>
    </message>
</context>
<context>
    <name>DatasetPicker</name>
    <message>
        <source>Empty = the Debian package&apos;s files</source>
        <translation>空欄 = Debian パッケージのファイル</translation>
    </message>
    <message>
        <source>Folder with train-images-idx3-ubyte(.gz) and the others</source>
        <translation>train-images-idx3-ubyte(.gz) などを含むフォルダ</translation>
    </message>
    <message>
        <source>Folder with data_batch_1.bin … test_batch.bin</source>
        <translation>data_batch_1.bin … test_batch.bin を含むフォルダ</translation>
    </message>
    <message>
        <source>Folder with train.bin and test.bin</source>
        <translation>train.bin と test.bin を含むフォルダ</translation>
    </message>
    <message>
        <source>Root folder: &lt;class&gt;/*.jpg or train/ + test/</source>
        <translation>ルートフォルダ: &lt;クラス&gt;/*.jpg または train/ + test/</translation>
    </message>
    <message>
        <source>CSV file: path,label[,split]</source>
        <translation>CSV ファイル: path,label[,split]</translation>
    </message>
    <message>
        <source>No files needed</source>
        <translation>ファイルは不要です</translation>
    </message>
    <message>
        <source>Choose the CSV file</source>
        <translation>CSV ファイルを選択</translation>
    </message>
    <message>
        <source>Choose the folder</source>
        <translation>フォルダを選択</translation>
    </message>
    <message>
        <source>Choose the CSV file list</source>
        <translation>CSV のファイル一覧を選択</translation>
    </message>
    <message>
        <source>CSV file lists (*.csv *.txt);;All files (*)</source>
        <translation>CSV ファイル一覧 (*.csv *.txt);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>Choose the dataset folder</source>
        <translation>データセットのフォルダを選択</translation>
    </message>
    <message>
        <source>Reading the dataset…</source>
        <translation>データセットを読み込み中…</translation>
    </message>
    <message>
        <source>Problem: %1</source>
        <translation>問題: %1</translation>
    </message>
    <message>
        <source>%1 classes</source>
        <translation>%1 クラス</translation>
    </message>
    <message>
        <source>%1 classes · %2 training images · %3 test images</source>
        <translation>%1 クラス · 学習画像 %2 枚 · テスト画像 %3 枚</translation>
    </message>
    <message>
        <source>%1 classes · %2 images; %3 % of each class is held out for testing</source>
        <translation>%1 クラス · 画像 %2 枚。各クラスの %3 % をテスト用に取り分けます</translation>
    </message>
    <message>
        <source>&amp;Dataset:</source>
        <translation>データセット(&amp;D):</translation>
    </message>
    <message>
        <source>Fashion-MNIST (Debian package)</source>
        <translation>Fashion-MNIST（Debian パッケージ）</translation>
    </message>
    <message>
        <source>MNIST-family IDX folder</source>
        <translation>MNIST 系の IDX フォルダ</translation>
    </message>
    <message>
        <source>CIFAR-10 (binary version)</source>
        <translation>CIFAR-10（バイナリ版）</translation>
    </message>
    <message>
        <source>CIFAR-100 (binary version)</source>
        <translation>CIFAR-100（バイナリ版）</translation>
    </message>
    <message>
        <source>Image folder</source>
        <translation>画像フォルダ</translation>
    </message>
    <message>
        <source>CSV file list</source>
        <translation>CSV ファイル一覧</translation>
    </message>
    <message>
        <source>Synthetic (quick tests)</source>
        <translation>合成データ（簡易テスト用）</translation>
    </message>
    <message>
        <source>Where the images come from (docs/data.md)</source>
        <translation>画像の取得元（docs/data.md）</translation>
    </message>
    <message>
        <source>&amp;Path:</source>
        <translation>パス(&amp;P):</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>参照…</translation>
    </message>
    <message>
        <source>&amp;Test share:</source>
        <translation>テストの割合(&amp;T):</translation>
    </message>
    <message>
        <source>Share of each class held out for testing when the data has no test split of its own (seeded, stratified)</source>
        <translation>データに独自のテスト分割がないとき、各クラスからテスト用に取り分ける割合（シード固定、層化）</translation>
    </message>
    <message>
        <source>Benchmark preset</source>
        <translation>ベンチマークのプリセット</translation>
    </message>
    <message>
        <source>Dataset folder. It must hold %1.</source>
        <translation>データセットのフォルダ。%1 が必要です。</translation>
    </message>
</context>
<context>
    <name>DriftChart</name>
    <message>
        <source>Feature drift</source>
        <translation>特徴のドリフト</translation>
    </message>
    <message>
        <source>Principal component 1</source>
        <translation>第 1 主成分</translation>
    </message>
    <message>
        <source>Principal component 2</source>
        <translation>第 2 主成分</translation>
    </message>
    <message>
        <source>Task boundary whose projection is shown (the one before it is faded)</source>
        <translation>射影を表示するタスク境界（その前の境界は薄く表示）</translation>
    </message>
    <message>
        <source>No projection yet: it appears after each task is evaluated.</source>
        <translation>射影はまだありません：各タスクの評価後に表示されます。</translation>
    </message>
    <message>
        <source>Before training</source>
        <translation>学習前</translation>
    </message>
    <message>
        <source>After task %1</source>
        <translation>タスク %1 の後</translation>
    </message>
    <message>
        <source>%1: PCA of %2 test images&apos; features; the two components explain %3 % of their variance.</source>
        <translation>%1：テスト画像 %2 枚の特徴の PCA。2 つの成分で分散の %3 % を説明します。</translation>
    </message>
    <message>
        <source>Faded: before training.</source>
        <translation>薄い点：学習前。</translation>
    </message>
    <message>
        <source>Faded: after task %1.</source>
        <translation>薄い点：タスク %1 の後。</translation>
    </message>
</context>
<context>
    <name>ExperimentPanel</name>
    <message>
        <source>Change %1</source>
        <translation>%1 を変更</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>名前(&amp;N):</translation>
    </message>
    <message>
        <source>Experiment name (optional)</source>
        <translation>実験名（省略可）</translation>
    </message>
    <message>
        <source>Task sequence</source>
        <translation>タスク列</translation>
    </message>
    <message>
        <source>Presets</source>
        <translation>プリセット</translation>
    </message>
    <message>
        <source>Replace the task sequence with a standard benchmark split</source>
        <translation>タスク列を標準的なベンチマーク分割に置き換えます</translation>
    </message>
    <message>
        <source>Split Fashion-MNIST 5 × 2 classes</source>
        <translation>Split Fashion-MNIST 5 × 2 クラス</translation>
    </message>
    <message>
        <source>Split Fashion-MNIST 2 × 5 classes</source>
        <translation>Split Fashion-MNIST 2 × 5 クラス</translation>
    </message>
    <message>
        <source>Split Fashion-MNIST 10 × 1 class</source>
        <translation>Split Fashion-MNIST 10 × 1 クラス</translation>
    </message>
    <message>
        <source>Permuted Fashion-MNIST (5 tasks)</source>
        <translation>Permuted Fashion-MNIST（5 タスク）</translation>
    </message>
    <message>
        <source>Rotated Fashion-MNIST (5 tasks)</source>
        <translation>Rotated Fashion-MNIST（5 タスク）</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>追加</translation>
    </message>
    <message>
        <source>Append a task with the first unused class</source>
        <translation>未使用の最初のクラスでタスクを追加します</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>削除</translation>
    </message>
    <message>
        <source>Up</source>
        <translation>上へ</translation>
    </message>
    <message>
        <source>Down</source>
        <translation>下へ</translation>
    </message>
    <message>
        <source>Move the selected task earlier in the sequence</source>
        <translation>選択したタスクを前に移動します</translation>
    </message>
    <message>
        <source>Move the selected task later in the sequence</source>
        <translation>選択したタスクを後ろに移動します</translation>
    </message>
    <message>
        <source>Classes of the selected task:</source>
        <translation>選択したタスクのクラス:</translation>
    </message>
    <message>
        <source>Shuffle class order</source>
        <translation>クラスの順序をシャッフル</translation>
    </message>
    <message>
        <source>Permute the class ids with the seed before splitting into tasks (the table shows the ids before shuffling)</source>
        <translation>タスクに分割する前に、シードでクラス ID を並べ替えます（表にはシャッフル前の ID を表示します）</translation>
    </message>
    <message>
        <source>&amp;Seed:</source>
        <translation>シード(&amp;S):</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>モデル</translation>
    </message>
    <message>
        <source>&amp;Backbone:</source>
        <translation>バックボーン(&amp;B):</translation>
    </message>
    <message>
        <source>Bundled pretrained</source>
        <translation>同梱の事前学習済み</translation>
    </message>
    <message>
        <source>Random initialisation</source>
        <translation>ランダム初期化</translation>
    </message>
    <message>
        <source>Weights the ViT backbone starts from</source>
        <translation>ViT バックボーンの初期重み</translation>
    </message>
    <message>
        <source>Strategies (check several to run a batch)</source>
        <translation>手法（複数チェックするとバッチ実行）</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>学習</translation>
    </message>
    <message>
        <source>&amp;Epochs per task:</source>
        <translation>タスクごとのエポック数(&amp;E):</translation>
    </message>
    <message>
        <source>Batch si&amp;ze:</source>
        <translation>バッチサイズ(&amp;Z):</translation>
    </message>
    <message>
        <source>&amp;Learning rate:</source>
        <translation>学習率(&amp;L):</translation>
    </message>
    <message>
        <source>AdamW learning rate; the arrows step along 1-2-5 decades</source>
        <translation>AdamW の学習率。矢印で 1-2-5 の刻みで増減します</translation>
    </message>
    <message>
        <source>De&amp;vice:</source>
        <translation>デバイス(&amp;V):</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>自動</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>CUDA GPU</source>
        <translation>CUDA GPU</translation>
    </message>
    <message>
        <source>&amp;Precision:</source>
        <translation>演算精度(&amp;P):</translation>
    </message>
    <message>
        <source>Float32</source>
        <translation>Float32</translation>
    </message>
    <message>
        <source>BFloat16 (autocast)</source>
        <translation>BFloat16(autocast)</translation>
    </message>
    <message>
        <source>Float16 (autocast, CUDA only)</source>
        <translation>Float16(autocast、CUDA のみ)</translation>
    </message>
    <message>
        <source>Forward passes in 16-bit floats: faster on GPUs and on CPUs with bf16 units; weights and optimiser stay in float32</source>
        <translation>順伝播を 16 ビット浮動小数点で計算します。GPU と bf16 演算器のある CPU で速くなります。重みとオプティマイザは float32 のままです</translation>
    </message>
    <message>
        <source>Training images per class:</source>
        <translation>クラスごとの学習画像数:</translation>
    </message>
    <message>
        <source>All</source>
        <translation>すべて</translation>
    </message>
    <message>
        <source>Fewer images make runs faster; 0 = all</source>
        <translation>画像を減らすと速く終わります。0 = すべて</translation>
    </message>
    <message>
        <source>Accuracy curve every:</source>
        <translation>精度曲線の間隔:</translation>
    </message>
    <message>
        <source> steps</source>
        <translation> ステップ</translation>
    </message>
    <message>
        <source>Task ends only</source>
        <translation>タスク終了時のみ</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>パラメータ</translation>
    </message>
    <message>
        <source>Parameters: %1</source>
        <translation>パラメータ: %1</translation>
    </message>
    <message>
        <source>Fashion-MNIST question answering, 5 answer styles</source>
        <translation>Fashion-MNIST 質問応答（5 つの回答形式）</translation>
    </message>
    <message>
        <source>Fashion-MNIST question answering, 5 styles + ASD 20 %</source>
        <translation>Fashion-MNIST 質問応答（5 形式 + ASD 20 %）</translation>
    </message>
    <message>
        <source>Pretrained-ViT benchmarks</source>
        <translation>事前学習済み ViT のベンチマーク</translation>
    </message>
    <message>
        <source>Import checkpoint…</source>
        <translation>チェックポイントを取り込む…</translation>
    </message>
</context>
<context>
    <name>ForgettingChart</name>
    <message>
        <source>Superficial vs essential forgetting</source>
        <translation>表面的忘却と本質的忘却</translation>
    </message>
    <message>
        <source>Task (its native answer style)</source>
        <translation>タスク（固有の回答形式）</translation>
    </message>
    <message>
        <source>Strict drop (points)</source>
        <translation>厳密精度の低下（pt）</translation>
    </message>
    <message>
        <source>Essential: knowledge lost</source>
        <translation>本質的：知識の喪失</translation>
    </message>
    <message>
        <source>Superficial: format drift</source>
        <translation>表面的：形式のずれ</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>タスク</translation>
    </message>
    <message>
        <source>Question</source>
        <translation>質問</translation>
    </message>
    <message>
        <source>Expected</source>
        <translation>正解</translation>
    </message>
    <message>
        <source>Model&apos;s answer</source>
        <translation>モデルの回答</translation>
    </message>
    <message>
        <source>For each earlier task j after the latest task i: strict drop = S[j][j] − S[i][j];
essential = drop of the knowledge accuracy (answer decoded among the valid tokens of
the requested style); superficial = strict drop − essential.</source>
        <translation>最新のタスク i の後、それ以前の各タスク j について：厳密精度の低下 = S[j][j] − S[i][j]。
本質的 = 知識精度（要求された形式の有効なトークンの中で復号した回答）の低下。
表面的 = 厳密精度の低下 − 本質的。</translation>
    </message>
    <message>
        <source>T%1</source>
        <translation>T%1</translation>
    </message>
    <message>
        <source>Shown for question-answering sequences (preset &quot;question answering&quot;).</source>
        <translation>質問応答のタスク列（プリセット「質問応答」）で表示されます。</translation>
    </message>
    <message>
        <source>After task %1: nothing to forget yet.</source>
        <translation>タスク %1 の後：まだ忘却の対象はありません。</translation>
    </message>
    <message>
        <source>After task %1: strict drop %2 = essential %3 + superficial %4 points (mean over earlier tasks).</source>
        <translation>タスク %1 の後：厳密精度の低下 %2 = 本質的 %3 + 表面的 %4 ポイント（それ以前のタスクの平均）。</translation>
    </message>
    <message>
        <source>T%1 (%2)</source>
        <translation>T%1（%2）</translation>
    </message>
    <message>
        <source>Right</source>
        <translation>正解</translation>
    </message>
    <message>
        <source>Superficial: knows the answer, wrong format</source>
        <translation>表面的：答えは分かっているが形式が違う</translation>
    </message>
    <message>
        <source>Essential: well-formed but wrong</source>
        <translation>本質的：形式は正しいが誤り</translation>
    </message>
    <message>
        <source>Wrong and ill-formed</source>
        <translation>誤りで形式も不正</translation>
    </message>
</context>
<context>
    <name>ImportanceChart</name>
    <message>
        <source>Parameter importance</source>
        <translation>パラメータの重要度</translation>
    </message>
    <message>
        <source>Module</source>
        <translation>モジュール</translation>
    </message>
    <message>
        <source>Block</source>
        <translation>ブロック</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>スコア</translation>
    </message>
    <message>
        <source>Task whose importance snapshot is shown</source>
        <translation>重要度を表示するタスク</translation>
    </message>
    <message>
        <source>Downsampled magnitude per weight region of the selected matrix</source>
        <translation>選択した行列の重み領域ごとの大きさ（縮小表示）</translation>
    </message>
    <message>
        <source>No importance data yet</source>
        <translation>重要度のデータはまだありません</translation>
    </message>
    <message>
        <source>Click a cell to see its element map.</source>
        <translation>セルをクリックすると要素マップを表示します。</translation>
    </message>
    <message>
        <source>After task %1: %2</source>
        <translation>タスク %1 の後: %2</translation>
    </message>
    <message>
        <source>Block %1, %2: element map</source>
        <translation>ブロック %1、%2: 要素マップ</translation>
    </message>
</context>
<context>
    <name>LogPanel</name>
    <message>
        <source>Warning: %1</source>
        <translation>警告: %1</translation>
    </message>
    <message>
        <source>Error: %1</source>
        <translation>エラー: %1</translation>
    </message>
</context>
<context>
    <name>LossChart</name>
    <message>
        <source>Training loss</source>
        <translation>学習損失</translation>
    </message>
    <message>
        <source>Training step</source>
        <translation>学習ステップ</translation>
    </message>
    <message>
        <source>Loss (mean per bucket)</source>
        <translation>損失（区間平均）</translation>
    </message>
    <message>
        <source>Current run</source>
        <translation>現在のラン</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Open or create a run database</source>
        <translation>ランのデータベースを開く／作成</translation>
    </message>
    <message>
        <source>Run databases (*.sqlite *.db);;All files (*)</source>
        <translation>ランのデータベース (*.sqlite *.db);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>Folder for the chart images</source>
        <translation>グラフ画像の保存先フォルダ</translation>
    </message>
    <message>
        <source>Charts saved to %1</source>
        <translation>グラフを %1 に保存しました</translation>
    </message>
    <message>
        <source>About CL Workbench</source>
        <translation>CL Workbench について</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;CL Workbench&lt;/b&gt;: design, run and compare continual-learning experiments on Fashion-MNIST with a small vision transformer.&lt;/p&gt;&lt;p&gt;%1&lt;/p&gt;&lt;p&gt;Licence: GPL-3.0-or-later.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;CL Workbench&lt;/b&gt;: 小さな Vision Transformer を使い、Fashion-MNIST で継続学習の実験を設計・実行・比較します。&lt;/p&gt;&lt;p&gt;%1&lt;/p&gt;&lt;p&gt;ライセンス: GPL-3.0-or-later&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>ファイル(&amp;F)</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近使ったファイル(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Export</source>
        <translation>エクスポート(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>編集(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>実行(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>表示(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>言語(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>ヘルプ(&amp;H)</translation>
    </message>
    <message>
        <source>Main toolbar</source>
        <translation>メインツールバー</translation>
    </message>
    <message>
        <source>&amp;New Experiment</source>
        <translation>新しい実験(&amp;N)</translation>
    </message>
    <message>
        <source>Start from the default experiment</source>
        <translation>既定の実験から始めます</translation>
    </message>
    <message>
        <source>&amp;Open Experiment…</source>
        <translation>実験を開く(&amp;O)…</translation>
    </message>
    <message>
        <source>Load an experiment JSON (the clwb-run format)</source>
        <translation>実験の JSON（clwb-run 形式）を読み込みます</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <source>Save the experiment as JSON</source>
        <translation>実験を JSON で保存します</translation>
    </message>
    <message>
        <source>Save &amp;As…</source>
        <translation>名前を付けて保存(&amp;A)…</translation>
    </message>
    <message>
        <source>Open &amp;Database…</source>
        <translation>データベースを開く(&amp;D)…</translation>
    </message>
    <message>
        <source>Use another run database file</source>
        <translation>別のランのデータベースを使います</translation>
    </message>
    <message>
        <source>Charts as &amp;PNG…</source>
        <translation>グラフを PNG で(&amp;P)…</translation>
    </message>
    <message>
        <source>Matrix and Metrics as &amp;CSV…</source>
        <translation>行列と指標を CSV で(&amp;C)…</translation>
    </message>
    <message>
        <source>PDF &amp;Report…</source>
        <translation>PDF レポート(&amp;R)…</translation>
    </message>
    <message>
        <source>One-page PDF report of the run on show</source>
        <translation>表示中のランの 1 ページ PDF レポート</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>終了(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>元に戻す(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>やり直す(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Start</source>
        <translation>開始(&amp;S)</translation>
    </message>
    <message>
        <source>Run the experiment (each checked strategy in turn)</source>
        <translation>実験を実行します（チェックした手法を順に実行）</translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation>停止(&amp;T)</translation>
    </message>
    <message>
        <source>Stop the run; it is stored as cancelled</source>
        <translation>ランを停止します。ランは「中止」として保存されます</translation>
    </message>
    <message>
        <source>Run &amp;Demo</source>
        <translation>デモを実行(&amp;D)</translation>
    </message>
    <message>
        <source>Load the bundled demo experiment and run it</source>
        <translation>同梱のデモ実験を読み込んで実行します</translation>
    </message>
    <message>
        <source>Reset &amp;Layout</source>
        <translation>レイアウトをリセット(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;About CL Workbench</source>
        <translation>CL Workbench について(&amp;A)</translation>
    </message>
    <message>
        <source>Current run</source>
        <translation>現在のラン</translation>
    </message>
    <message>
        <source>Comparison</source>
        <translation>比較</translation>
    </message>
    <message>
        <source>Experiment</source>
        <translation>実験</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>ログ</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>キュー</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>ラン一覧</translation>
    </message>
    <message>
        <source>Idle</source>
        <translation>待機中</translation>
    </message>
    <message>
        <source>Run in progress</source>
        <translation>実行中のランがあります</translation>
    </message>
    <message>
        <source>A run is in progress. Stop it and quit?</source>
        <translation>ランを実行中です。停止して終了しますか？</translation>
    </message>
    <message>
        <source>Untitled experiment</source>
        <translation>無題の実験</translation>
    </message>
    <message>
        <source>%1[*] — CL Workbench</source>
        <translation>%1[*] — CL Workbench</translation>
    </message>
    <message>
        <source>Cannot open experiment</source>
        <translation>実験を開けません</translation>
    </message>
    <message>
        <source>Loaded %1</source>
        <translation>%1 を読み込みました</translation>
    </message>
    <message>
        <source>The experiment has problems:
%1</source>
        <translation>実験に問題があります:
%1</translation>
    </message>
    <message>
        <source>Open experiment</source>
        <translation>実験を開く</translation>
    </message>
    <message>
        <source>Experiments (*.json);;All files (*)</source>
        <translation>実験 (*.json);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>Cannot save experiment</source>
        <translation>実験を保存できません</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>%1 を保存しました</translation>
    </message>
    <message>
        <source>Save experiment</source>
        <translation>実験を保存</translation>
    </message>
    <message>
        <source>Experiments (*.json)</source>
        <translation>実験 (*.json)</translation>
    </message>
    <message>
        <source>Unsaved experiment</source>
        <translation>未保存の実験</translation>
    </message>
    <message>
        <source>The experiment has been modified. Save it?</source>
        <translation>実験が変更されています。保存しますか？</translation>
    </message>
    <message>
        <source>%1 — %2: %3</source>
        <translation>%1 — %2: %3</translation>
    </message>
    <message>
        <source>Cannot start the experiment</source>
        <translation>実験を開始できません</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>停止しています…</translation>
    </message>
    <message>
        <source>Preparing data and model…</source>
        <translation>データとモデルを準備しています…</translation>
    </message>
    <message>
        <source>Starting %1 with %2</source>
        <translation>%1 を %2 で開始します</translation>
    </message>
    <message>
        <source>Run failed: %1</source>
        <translation>ランが失敗しました: %1</translation>
    </message>
    <message>
        <source>Run cancelled</source>
        <translation>ランを中止しました</translation>
    </message>
    <message>
        <source>A_T %1</source>
        <translation>A_T %1</translation>
    </message>
    <message>
        <source>Run %1 %2</source>
        <translation>ラン %1: %2</translation>
    </message>
    <message>
        <source>Run %1</source>
        <translation>ラン: %1</translation>
    </message>
    <message>
        <source>Done: %1</source>
        <translation>終了: %1</translation>
    </message>
    <message>
        <source>Batch finished</source>
        <translation>バッチが終了しました</translation>
    </message>
    <message>
        <source>Report saved to %1</source>
        <translation>レポートを %1 に保存しました</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>待機</translation>
    </message>
    <message>
        <source>running</source>
        <translation>実行中</translation>
    </message>
    <message>
        <source>%1. %2 — %3</source>
        <translation>%1. %2 — %3</translation>
    </message>
    <message>
        <source>Screenshot saved to %1</source>
        <translation>スクリーンショットを %1 に保存しました</translation>
    </message>
    <message>
        <source>Cannot save screenshot</source>
        <translation>スクリーンショットを保存できません</translation>
    </message>
    <message>
        <source>Run database: %1</source>
        <translation>ランのデータベース: %1</translation>
    </message>
    <message>
        <source>Stop the current run before opening another one</source>
        <translation>別のランを開く前に、実行中のランを停止してください</translation>
    </message>
    <message>
        <source>Run %1: %2 — %3 (%4)</source>
        <translation>ラン %1: %2 — %3（%4）</translation>
    </message>
    <message>
        <source>Cannot open run</source>
        <translation>ランを開けません</translation>
    </message>
    <message>
        <source>#%1 %2</source>
        <translation>#%1 %2</translation>
    </message>
    <message>
        <source>Cannot compare runs</source>
        <translation>ランを比較できません</translation>
    </message>
    <message>
        <source>Export matrix and metrics</source>
        <translation>行列と指標をエクスポート</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV ファイル (*.csv)</translation>
    </message>
    <message>
        <source>Cannot write CSV</source>
        <translation>CSV を書き込めません</translation>
    </message>
    <message>
        <source>Export PDF report</source>
        <translation>PDF レポートをエクスポート</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF ファイル (*.pdf)</translation>
    </message>
    <message>
        <source>Cannot write PDF</source>
        <translation>PDF を書き込めません</translation>
    </message>
    <message>
        <source>&amp;Undo %1</source>
        <translation>元に戻す(&amp;U): %1</translation>
    </message>
    <message>
        <source>&amp;Redo %1</source>
        <translation>やり直す(&amp;R): %1</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>元に戻す</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>やり直す</translation>
    </message>
    <message>
        <source>%1 (run %2 of %3)</source>
        <translation>%1（%3 件中 %2 件目）</translation>
    </message>
    <message>
        <source>Dataset preview</source>
        <translation>データセットのプレビュー</translation>
    </message>
    <message>
        <source>epoch %1</source>
        <translation>エポック %1</translation>
    </message>
    <message>
        <source>%1 %2/%3</source>
        <translation>%1 %2/%3</translation>
    </message>
    <message>
        <source>Task %1/%2 · %3 · step %4/%5 · ETA %6</source>
        <translation>タスク %1/%2 · %3 · ステップ %4/%5 · 残り %6</translation>
    </message>
    <message>
        <source>Checking the experiment…</source>
        <translation>実験を確認しています…</translation>
    </message>
    <message>
        <source>Stopped before the start</source>
        <translation>開始前に停止しました</translation>
    </message>
    <message>
        <source>Gallery</source>
        <translation>ギャラリー</translation>
    </message>
    <message>
        <source>&amp;Appearance</source>
        <translation>外観(&amp;A)</translation>
    </message>
    <message>
        <source>As the &amp;desktop</source>
        <translation>デスクトップに合わせる(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Light</source>
        <translation>ライト(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Dark</source>
        <translation>ダーク(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Present</source>
        <translation>プレゼンテーション(&amp;P)</translation>
    </message>
    <message>
        <source>Tell the run on show (or the two compared) full screen, one task boundary at a time</source>
        <translation>表示中の実行（または比較中の 2 つ）を全画面で、タスク境界ごとに順に見せます</translation>
    </message>
    <message>
        <source>Live: %1</source>
        <translation>ライブ: %1</translation>
    </message>
    <message>
        <source>Nothing to present yet: start a run or open a stored one</source>
        <translation>見せるものがまだありません: 実行を開始するか、保存済みの実行を開いてください</translation>
    </message>
    <message>
        <source>Cannot present runs</source>
        <translation>実行をプレゼンテーションできません</translation>
    </message>
    <message>
        <source>Study in progress</source>
        <translation>スタディを実行中です</translation>
    </message>
    <message>
        <source>A study started from this window is running. Closing stops its runs; the finished ones stay in the database. Quit?</source>
        <translation>このウィンドウから開始したスタディが実行中です。閉じると実行中のランは停止します（完了したランはデータベースに残ります）。終了しますか？</translation>
    </message>
    <message>
        <source>New &amp;Study…</source>
        <translation>新しいスタディ(&amp;S)…</translation>
    </message>
    <message>
        <source>Run the experiment for several strategies, seeds and settings, and compare the mean ± std over seeds</source>
        <translation>実験を複数の手法・シード・設定で実行し、シード間の平均 ± 標準偏差で比較します</translation>
    </message>
    <message>
        <source>Study</source>
        <translation>スタディ</translation>
    </message>
    <message>
        <source>Studies</source>
        <translation>スタディ一覧</translation>
    </message>
    <message>
        <source>Cannot open study</source>
        <translation>スタディを開けません</translation>
    </message>
    <message>
        <source>There is no study %1 in %2.</source>
        <translation>%2 にスタディ %1 はありません。</translation>
    </message>
    <message>
        <source>Study %1: %2</source>
        <translation>スタディ %1: %2</translation>
    </message>
    <message>
        <source>Runs %1</source>
        <translation>ラン %1</translation>
    </message>
    <message>
        <source>Cannot run studies</source>
        <translation>スタディを実行できません</translation>
    </message>
    <message>
        <source>Study written to %1</source>
        <translation>スタディを %1 に書き出しました</translation>
    </message>
    <message>
        <source>Stop the current run before resuming another one</source>
        <translation>別のランを再開する前に、現在のランを停止してください</translation>
    </message>
    <message>
        <source>Cannot resume run %1</source>
        <translation>ラン %1 を再開できません</translation>
    </message>
    <message>
        <source>Resuming run %1 from its last checkpoint</source>
        <translation>ラン %1 を最後のチェックポイントから再開します</translation>
    </message>
    <message>
        <source>Cannot draw the stored part of run %1: %2</source>
        <translation>ラン %1 の保存済み部分を描画できません: %2</translation>
    </message>
</context>
<context>
    <name>MetricsPanel</name>
    <message>
        <source>Final average accuracy A_T</source>
        <translation>最終平均精度 A_T</translation>
    </message>
    <message>
        <source>Average incremental accuracy Ā</source>
        <translation>平均逐次精度 Ā</translation>
    </message>
    <message>
        <source>Backward transfer (BWT)</source>
        <translation>後方転移 (BWT)</translation>
    </message>
    <message>
        <source>Forward transfer (FWT)</source>
        <translation>前方転移 (FWT)</translation>
    </message>
    <message>
        <source>Forgetting (max)</source>
        <translation>忘却（最大値基準）</translation>
    </message>
    <message>
        <source>Forgetting (first)</source>
        <translation>忘却（初回値基準）</translation>
    </message>
    <message>
        <source>Plasticity</source>
        <translation>可塑性</translation>
    </message>
    <message>
        <source>How well the final model does on all tasks, on average.</source>
        <translation>最終モデルが全タスクで平均してどれだけ正解するか。</translation>
    </message>
    <message>
        <source>The average accuracy over seen tasks, averaged over the whole sequence: rewards methods that are good all along, not only at the end.</source>
        <translation>学習済みタスクの平均精度を、タスク列全体で平均したもの。最後だけでなく、途中でも良い手法が高くなります。</translation>
    </message>
    <message>
        <source>How training on later tasks changed accuracy on earlier ones. Negative means forgetting.</source>
        <translation>後のタスクの学習で、前のタスクの精度がどう変わったか。負の値は忘却を表します。</translation>
    </message>
    <message>
        <source>How much earlier tasks help a task before it is trained, compared with the untrained model.</source>
        <translation>学習前のタスクに対して、それまでのタスクの学習がどれだけ役立つか（未学習モデルとの比較）。</translation>
    </message>
    <message>
        <source>How much accuracy on old tasks dropped since its best (Chaudhry et al.).</source>
        <translation>古いタスクの精度が最高値からどれだけ下がったか（Chaudhry ら）。</translation>
    </message>
    <message>
        <source>How much accuracy on old tasks dropped since right after they were learned (Avalanche&apos;s definition; equals −BWT).</source>
        <translation>古いタスクの精度が学習直後からどれだけ下がったか（Avalanche の定義。−BWT と等しい）。</translation>
    </message>
    <message>
        <source>How well each task is learned when it is trained (mean of the diagonal).</source>
        <translation>各タスクを学習した直後にどれだけ身に付いたか（対角成分の平均）。</translation>
    </message>
    <message>
        <source>R[i][j]: accuracy on task j after training task i; b[j]: accuracy before training; T tasks. See docs/metrics.md.</source>
        <translation>R[i][j]: タスク i の学習後のタスク j の精度。b[j]: 学習前の精度。T: タスク数。詳しくは docs/metrics.md を参照。</translation>
    </message>
    <message>
        <source>%1 pp</source>
        <translation>%1 pt</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <source>Metric</source>
        <translation>指標</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>値</translation>
    </message>
    <message numerus="yes">
        <source>Comparison of %n run(s)</source>
        <translation>
            <numerusform>%n 件のランの比較</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Final metrics (%n task(s))</source>
        <translation>
            <numerusform>最終指標（%n タスク）</numerusform>
        </translation>
    </message>
    <message>
        <source>So far: after task %1 of %2</source>
        <translation>途中経過: %2 タスク中 %1 タスク目の後</translation>
    </message>
    <message>
        <source>Metrics appear after the first task is evaluated</source>
        <translation>最初のタスクを評価すると指標が表示されます</translation>
    </message>
</context>
<context>
    <name>ParamForm</name>
    <message>
        <source>This strategy has no parameters.</source>
        <translation>この手法にはパラメータがありません。</translation>
    </message>
</context>
<context>
    <name>PredictionGallery</name>
    <message>
        <source>Before training</source>
        <translation>学習前</translation>
    </message>
    <message>
        <source>After task %1</source>
        <translation>タスク %1 の後</translation>
    </message>
    <message>
        <source>Images of &amp;task:</source>
        <translation>表示するタスクの画像(&amp;T):</translation>
    </message>
    <message>
        <source>No gallery yet: the images appear with the first evaluation.</source>
        <translation>ギャラリーはまだありません：最初の評価とともに画像が表示されます。</translation>
    </message>
    <message>
        <source>The same test images after every task boundary: the class the model predicts, framed green with ✓ when right, red with ✗ when wrong.</source>
        <translation>各タスク境界の後の同じテスト画像：モデルが予測したクラスを表示し、正解は緑の枠と ✓、不正解は赤の枠と ✗ で示します。</translation>
    </message>
    <message>
        <source>Task %1</source>
        <translation>タスク %1</translation>
    </message>
    <message>
        <source>Prediction gallery, task %1</source>
        <translation>予測ギャラリー、タスク %1</translation>
    </message>
    <message>
        <source>Save as PDF…</source>
        <translation>PDF で保存…</translation>
    </message>
    <message>
        <source>Save as PNG…</source>
        <translation>PNG で保存…</translation>
    </message>
    <message>
        <source>Save gallery as PDF</source>
        <translation>ギャラリーを PDF で保存</translation>
    </message>
    <message>
        <source>Save gallery as PNG</source>
        <translation>ギャラリーを PNG で保存</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF ファイル (*.pdf)</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG 画像 (*.png)</translation>
    </message>
</context>
<context>
    <name>PresentationView</name>
    <message>
        <source>Before training</source>
        <translation>学習前</translation>
    </message>
    <message>
        <source>After task %1 of %2</source>
        <translation>タスク %1 / %2 の後</translation>
    </message>
    <message>
        <source>live</source>
        <translation>ライブ</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>一時停止</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>再生</translation>
    </message>
    <message>
        <source>CL Workbench — presentation</source>
        <translation>CL Workbench — プレゼンテーション</translation>
    </message>
    <message>
        <source>◀ Previous</source>
        <translation>◀ 前へ</translation>
    </message>
    <message>
        <source>Next ▶</source>
        <translation>次へ ▶</translation>
    </message>
    <message>
        <source>Previous task boundary (←)</source>
        <translation>前のタスク境界 (←)</translation>
    </message>
    <message>
        <source>Next task boundary (→)</source>
        <translation>次のタスク境界 (→)</translation>
    </message>
    <message>
        <source>Play the run back, task by task (Space)</source>
        <translation>実行をタスクごとに再生 (Space)</translation>
    </message>
    <message>
        <source>Playback speed</source>
        <translation>再生速度</translation>
    </message>
    <message>
        <source>%1×</source>
        <translation>%1×</translation>
    </message>
    <message>
        <source>Leave (Esc)</source>
        <translation>終了 (Esc)</translation>
    </message>
</context>
<context>
    <name>PreviewStrip</name>
    <message>
        <source>Every task: all classes, each task under its own transform</source>
        <translation>全タスク: すべてのクラス（タスクごとに固有の変換）</translation>
    </message>
    <message>
        <source>Task %1</source>
        <translation>タスク %1</translation>
    </message>
    <message>
        <source>No preview: %1</source>
        <translation>プレビューなし: %1</translation>
    </message>
    <message>
        <source>No tasks to preview.</source>
        <translation>プレビューするタスクがありません。</translation>
    </message>
    <message>
        <source>Decoding preview images…</source>
        <translation>プレビュー画像をデコード中…</translation>
    </message>
    <message>
        <source>%1 (class %2)</source>
        <translation>%1（クラス %2）</translation>
    </message>
</context>
<context>
    <name>ReportBuilder</name>
    <message>
        <source>CL Workbench run</source>
        <translation>CL Workbench のラン</translation>
    </message>
    <message>
        <source>Strategy</source>
        <translation>手法</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>パラメータ</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（なし）</translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation>データセット</translation>
    </message>
    <message>
        <source>Tasks</source>
        <translation>タスク</translation>
    </message>
    <message>
        <source>Backbone</source>
        <translation>バックボーン</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>モデル</translation>
    </message>
    <message>
        <source>ViT dim %1, depth %2, heads %3, patch %4</source>
        <translation>ViT 次元 %1、深さ %2、ヘッド %3、パッチ %4</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>学習</translation>
    </message>
    <message>
        <source>%1 epoch(s), batch %2, lr %3</source>
        <translation>%1 エポック、バッチ %2、学習率 %3</translation>
    </message>
    <message>
        <source>Images per class</source>
        <translation>クラスごとの画像数</translation>
    </message>
    <message>
        <source>all</source>
        <translation>すべて</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>シード</translation>
    </message>
    <message>
        <source>Task %1</source>
        <translation>タスク %1</translation>
    </message>
    <message>
        <source>drop %1 = essential %2 + superficial %3</source>
        <translation>低下 %1 = 本質的 %2 + 表面的 %3</translation>
    </message>
    <message>
        <source>Mean</source>
        <translation>平均</translation>
    </message>
    <message>
        <source>%1 (expected %2)</source>
        <translation>%1（正解 %2）</translation>
    </message>
    <message>
        <source>Task 1&apos;s gallery images: the class predicted after each boundary (green ✓ right, red ✗ wrong)</source>
        <translation>タスク 1 のギャラリー画像：各境界の後に予測されたクラス（緑の ✓ は正解、赤の ✗ は不正解）</translation>
    </message>
</context>
<context>
    <name>ReportWriter</name>
    <message>
        <source>Experiment</source>
        <translation>実験</translation>
    </message>
    <message>
        <source>Metrics</source>
        <translation>指標</translation>
    </message>
    <message>
        <source>CL Workbench report, %1</source>
        <translation>CL Workbench レポート、%1</translation>
    </message>
    <message>
        <source>Forgetting per task</source>
        <translation>タスクごとの忘却</translation>
    </message>
    <message>
        <source>Example answers</source>
        <translation>回答例</translation>
    </message>
</context>
<context>
    <name>RunsBrowser</name>
    <message>
        <source>Refresh</source>
        <translation>更新</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>開く</translation>
    </message>
    <message>
        <source>Show the selected run in the charts (or double-click it)</source>
        <translation>選択したランをグラフに表示します（ダブルクリックでも可）</translation>
    </message>
    <message>
        <source>Open log</source>
        <translation>ログを開く</translation>
    </message>
    <message>
        <source>Open the selected run&apos;s log file: every message of the run, warnings included</source>
        <translation>選択したランのログファイルを開きます（警告を含むランのすべてのメッセージ）</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>比較</translation>
    </message>
    <message>
        <source>Compare two or more selected runs side by side</source>
        <translation>選択した 2 つ以上のランを並べて比較します</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>名前を変更…</translation>
    </message>
    <message>
        <source>Tags…</source>
        <translation>タグ…</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>削除…</translation>
    </message>
    <message>
        <source>Open database…</source>
        <translation>データベースを開く…</translation>
    </message>
    <message>
        <source>Database: %1</source>
        <translation>データベース: %1</translation>
    </message>
    <message>
        <source>Cannot open database</source>
        <translation>データベースを開けません</translation>
    </message>
    <message>
        <source>Could not open %1:
%2</source>
        <translation>%1 を開けませんでした:
%2</translation>
    </message>
    <message>
        <source>Database error: %1</source>
        <translation>データベースのエラー: %1</translation>
    </message>
    <message>
        <source>Rename run</source>
        <translation>ランの名前を変更</translation>
    </message>
    <message>
        <source>Name of run %1:</source>
        <translation>ラン %1 の名前:</translation>
    </message>
    <message>
        <source>Tag run</source>
        <translation>ランにタグを付ける</translation>
    </message>
    <message>
        <source>Comma-separated tags for run %1:</source>
        <translation>ラン %1 のタグ（カンマ区切り）:</translation>
    </message>
    <message>
        <source>Delete runs</source>
        <translation>ランを削除</translation>
    </message>
    <message numerus="yes">
        <source>Delete %n run(s) and all their stored data? This cannot be undone.</source>
        <translation>
            <numerusform>%n 件のランと保存されたすべてのデータを削除しますか？ この操作は元に戻せません。</numerusform>
        </translation>
    </message>
    <message>
        <source>Open or create a run database</source>
        <translation>ランのデータベースを開く／作成</translation>
    </message>
    <message>
        <source>Run databases (*.sqlite *.db);;All files (*)</source>
        <translation>ランのデータベース (*.sqlite *.db);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>Present</source>
        <translation>プレゼン</translation>
    </message>
    <message>
        <source>Full-screen story of the selected run, or of two runs side by side (F11 on the run on show)</source>
        <translation>選択した実行、または 2 つの実行を並べて全画面で順に見せます（表示中の実行には F11）</translation>
    </message>
    <message>
        <source>Study comparison</source>
        <translation>スタディとして比較</translation>
    </message>
    <message>
        <source>The selected runs as a study: seeds of one configuration averaged (mean ± std), in the Study tab</source>
        <translation>選択したランをスタディとして集計します。同じ構成のシードを平均（平均 ± 標準偏差）し、「スタディ」タブに表示します</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>再開</translation>
    </message>
    <message>
        <source>Continue the selected cancelled, failed or interrupted run from its last checkpoint, in the same row</source>
        <translation>選択した中止・失敗・中断のランを、最後のチェックポイントから同じ行で続けます</translation>
    </message>
</context>
<context>
    <name>RunsTableModel</name>
    <message>
        <source>running</source>
        <translation>実行中</translation>
    </message>
    <message>
        <source>finished</source>
        <translation>完了</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>中止</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>中断</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名前</translation>
    </message>
    <message>
        <source>Strategy</source>
        <translation>手法</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状態</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>開始日時</translation>
    </message>
    <message>
        <source>A_T (%)</source>
        <translation>A_T (%)</translation>
    </message>
    <message>
        <source>BWT (pp)</source>
        <translation>BWT (pt)</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>タグ</translation>
    </message>
    <message>
        <source>Checkpoint after task %1 (step %2): %3</source>
        <translation>タスク %1 の後のチェックポイント（ステップ %2）: %3</translation>
    </message>
    <message>
        <source>Checkpoint</source>
        <translation>チェックポイント</translation>
    </message>
</context>
<context>
    <name>StoryCaption</name>
    <message>
        <source>One task to learn.</source>
        <translation>学習するタスクは 1 つです。</translation>
    </message>
    <message>
        <source>%1 tasks to learn, one after another.</source>
        <translation>%1 個のタスクを順番に学習します。</translation>
    </message>
    <message>
        <source>Before training, the model gets %1 % of their test images right.</source>
        <translation>学習前のモデルは、そのテスト画像の %1 % に正解します。</translation>
    </message>
    <message>
        <source>Learning task %1…</source>
        <translation>タスク %1 を学習中…</translation>
    </message>
    <message>
        <source>With %1, the model learned task 1: %2 % of its test images right.</source>
        <translation>%1 で、モデルはタスク 1 を学習しました: テスト画像の %2 % に正解。</translation>
    </message>
    <message>
        <source>Learning task %1 left the earlier tasks as they were.</source>
        <translation>タスク %1 を学習しても、それまでのタスクはそのまま保たれました。</translation>
    </message>
    <message>
        <source>Learning task %1 cost the earlier tasks at most %2 points of accuracy.</source>
        <translation>タスク %1 の学習で、それまでのタスクの精度は最大 %2 ポイント下がりました。</translation>
    </message>
    <message>
        <source>Learning task %1 cost task %2 %3 points of accuracy.</source>
        <translation>タスク %1 の学習で、タスク %2 の精度が %3 ポイント下がりました。</translation>
    </message>
    <message>
        <source>Learning task %1 cost task %2 %3 points of accuracy: catastrophic forgetting.</source>
        <translation>タスク %1 の学習で、タスク %2 の精度が %3 ポイント下がりました: 破滅的忘却です。</translation>
    </message>
    <message>
        <source>With %1, task 1 keeps %2 % (%3 % right after it was learned).</source>
        <translation>%1 では、タスク 1 の精度は %2 % を保っています（学習直後は %3 %）。</translation>
    </message>
    <message>
        <source>Average over all %1 tasks: %2 %.</source>
        <translation>全 %1 タスクの平均: %2 %。</translation>
    </message>
    <message>
        <source>Task 1 learned: %1 % with %2, %3 % with %4.</source>
        <translation>タスク 1 を学習: %2 で %1 %、%4 で %3 %。</translation>
    </message>
    <message>
        <source>After task %1, task 1 keeps %2 % with %3 and %4 % with %5; the average over the tasks so far is %6 % and %7 %.</source>
        <translation>タスク %1 の後、タスク 1 の精度は %3 で %2 %、%5 で %4 %。ここまでのタスクの平均はそれぞれ %6 % と %7 % です。</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <comment>two sentences in a row</comment>
        <translation>%1%2</translation>
    </message>
</context>
<context>
    <name>StrategyStrings</name>
    <message>
        <source>Sequential fine-tuning</source>
        <translation>逐次ファインチューニング</translation>
    </message>
    <message>
        <source>Trains every weight on each task in turn; the forgetting baseline.</source>
        <translation>各タスクで全重みを順に学習します。忘却を見るためのベースラインです。</translation>
    </message>
    <message>
        <source>Class-masked loss</source>
        <translation>クラスマスク付き損失</translation>
    </message>
    <message>
        <source>Cross-entropy only over the current task&apos;s classes (logits of other classes set to -inf while training). Forgets far less in class-incremental learning.</source>
        <translation>交差エントロピーを現在のタスクのクラスだけで計算します（学習中は他クラスのロジットを -inf にします）。クラス増分学習で忘却が大きく減ります。</translation>
    </message>
    <message>
        <source>Freeze (linear probe)</source>
        <translation>凍結（線形プローブ）</translation>
    </message>
    <message>
        <source>Frozen pretrained backbone; only a linear head is trained, class-masked.</source>
        <translation>事前学習済みバックボーンを凍結し、線形ヘッドだけをクラスマスク付きで学習します。</translation>
    </message>
    <message>
        <source>SimpleCIL</source>
        <translation>SimpleCIL</translation>
    </message>
    <message>
        <source>No training: a cosine classifier over class-mean features of the frozen backbone.</source>
        <translation>学習なし：凍結したバックボーンのクラス平均特徴に対するコサイン分類器です。</translation>
    </message>
    <message>
        <source>Sequential LoRA</source>
        <translation>逐次 LoRA</translation>
    </message>
    <message>
        <source>LoRA adapters on a frozen backbone, either one adapter continued across tasks or a fresh adapter per task merged into the weights afterwards.</source>
        <translation>凍結したバックボーンに LoRA アダプタを付けます。1 つのアダプタを全タスクで学習し続けるか、タスクごとに新しいアダプタを学習して終了後に重みへマージします。</translation>
    </message>
    <message>
        <source>Variant</source>
        <translation>方式</translation>
    </message>
    <message>
        <source>continue: one adapter trained across all tasks; merge: a fresh adapter per task, merged into W after the task (SEFE/CoIN baseline).</source>
        <translation>継続：1 つのアダプタを全タスクで学習します。マージ：タスクごとに新しいアダプタを学習し、タスク終了後に W へマージします（SEFE/CoIN のベースライン）。</translation>
    </message>
    <message>
        <source>continue</source>
        <translation>継続</translation>
    </message>
    <message>
        <source>merge</source>
        <translation>マージ</translation>
    </message>
    <message>
        <source>Rank r</source>
        <translation>ランク r</translation>
    </message>
    <message>
        <source>LoRA rank per adapted matrix.</source>
        <translation>適応する行列ごとの LoRA ランク。</translation>
    </message>
    <message>
        <source>α</source>
        <translation>α</translation>
    </message>
    <message>
        <source>LoRA scaling numerator: ΔW = (α/r)·BA.</source>
        <translation>LoRA のスケーリング係数の分子：ΔW = (α/r)·BA。</translation>
    </message>
    <message>
        <source>LoRA targets</source>
        <translation>LoRA の適用先</translation>
    </message>
    <message>
        <source>Which linear layers of every block get adapters.</source>
        <translation>各ブロックのどの線形層にアダプタを付けるか。</translation>
    </message>
    <message>
        <source>qkv, proj, fc1, fc2</source>
        <translation>qkv, proj, fc1, fc2</translation>
    </message>
    <message>
        <source>qkv</source>
        <translation>qkv</translation>
    </message>
    <message>
        <source>qkv, proj</source>
        <translation>qkv, proj</translation>
    </message>
    <message>
        <source>fc1, fc2</source>
        <translation>fc1, fc2</translation>
    </message>
    <message>
        <source>EWC</source>
        <translation>EWC</translation>
    </message>
    <message>
        <source>Penalises changes to weights that mattered for earlier tasks (diagonal Fisher).</source>
        <translation>以前のタスクで重要だった重みの変化にペナルティを課します（対角 Fisher 情報行列）。</translation>
    </message>
    <message>
        <source>λ</source>
        <translation>λ</translation>
    </message>
    <message>
        <source>Penalty strength; 1e2–1e5 is typical for small nets.</source>
        <translation>ペナルティの強さ。小さなネットワークでは 1e2–1e5 が一般的です。</translation>
    </message>
    <message>
        <source>Fisher samples</source>
        <translation>Fisher 推定のサンプル数</translation>
    </message>
    <message>
        <source>Training images used to estimate the Fisher.</source>
        <translation>Fisher 情報の推定に使う学習画像の数。</translation>
    </message>
    <message>
        <source>Online EWC</source>
        <translation>オンライン EWC</translation>
    </message>
    <message>
        <source>Keep one decayed Fisher and one anchor instead of one per task.</source>
        <translation>タスクごとではなく、減衰させた Fisher とアンカーを 1 つずつだけ保持します。</translation>
    </message>
    <message>
        <source>Online decay γ</source>
        <translation>オンライン減衰率 γ</translation>
    </message>
    <message>
        <source>F ← γF + F_t (online EWC only).</source>
        <translation>F ← γF + F_t（オンライン EWC のみ）。</translation>
    </message>
    <message>
        <source>Joint (upper bound)</source>
        <translation>同時学習（上限）</translation>
    </message>
    <message>
        <source>Retrains on all data seen so far at every task: the accuracy a CL method aims for.</source>
        <translation>タスクごとに、それまでに見た全データで学習し直します。継続学習手法が目指す精度です。</translation>
    </message>
    <message>
        <source>O-LoRA</source>
        <translation>O-LoRA</translation>
    </message>
    <message>
        <source>A fresh LoRA per task whose input subspace (A) is pushed orthogonal to all previous tasks&apos; LoRAs; old LoRAs stay frozen in the sum.</source>
        <translation>タスクごとに新しい LoRA を学習し、その入力部分空間（A）を以前の全タスクの LoRA と直交させます。古い LoRA は凍結したまま和に残ります。</translation>
    </message>
    <message>
        <source>LoRA rank per task and matrix. Keep tasks x r &lt;= d_in.</source>
        <translation>タスクと行列ごとの LoRA ランク。タスク数 × r ≤ d_in に保ってください。</translation>
    </message>
    <message>
        <source>LoRA scaling numerator: ΔW = (α/r)·BA (official: 32).</source>
        <translation>LoRA のスケーリング係数の分子：ΔW = (α/r)·BA（公式実装：32）。</translation>
    </message>
    <message>
        <source>λ1 (orthogonality)</source>
        <translation>λ1（直交性）</translation>
    </message>
    <message>
        <source>Weight of Σ|A_old·A_tᵀ| (sum of absolute entries, per module).</source>
        <translation>Σ|A_old·A_tᵀ| の重み（モジュールごとの要素の絶対値の和）。</translation>
    </message>
    <message>
        <source>λ2 (L2)</source>
        <translation>λ2（L2）</translation>
    </message>
    <message>
        <source>Weight of the L2 norms of the new task&apos;s A and B (official: 0).</source>
        <translation>新しいタスクの A と B の L2 ノルムの重み（公式実装：0）。</translation>
    </message>
    <message>
        <source>LoRAC-IPC</source>
        <translation>LoRAC-IPC</translation>
    </message>
    <message>
        <source>A per-task LoRA pool composed with learned per-matrix weights and kept orthonormal (LoRAC); after each task the most important weight matrices (sensitivity x uncertainty) are frozen for all later tasks (IPC).</source>
        <translation>タスクごとの LoRA プールを、行列ごとに学習した重みで合成し、正規直交に保ちます（LoRAC）。各タスクの後、最も重要な重み行列（感度 × 不確実性）を以降の全タスクで凍結します（IPC）。</translation>
    </message>
    <message>
        <source>LoRA scaling numerator: ΔW = (α/r)·BA (official: 1).</source>
        <translation>LoRA のスケーリング係数の分子：ΔW = (α/r)·BA（公式実装：1）。</translation>
    </message>
    <message>
        <source>λ orth</source>
        <translation>λ 直交</translation>
    </message>
    <message>
        <source>Weight of the orthonormality loss ‖QQᵀ−I‖_F over the stacked A&apos;s of every unfrozen matrix.</source>
        <translation>凍結されていない全行列の A を積み重ねたものに対する正規直交性損失 ‖QQᵀ−I‖_F の重み。</translation>
    </message>
    <message>
        <source>IPC</source>
        <translation>IPC</translation>
    </message>
    <message>
        <source>Important Parameter Constraints: freeze the top-scored weight matrices after each task (off = plain LoRAC).</source>
        <translation>重要パラメータ制約（Important Parameter Constraints）：各タスクの後、スコア上位の重み行列を凍結します（オフ = 通常の LoRAC）。</translation>
    </message>
    <message>
        <source>IPC threshold</source>
        <translation>IPC のしきい値</translation>
    </message>
    <message>
        <source>Fraction of all adapted matrices frozen after each task: k = ⌊threshold·N⌋, N = 6 × depth.</source>
        <translation>各タスクの後に凍結する、適応対象の全行列に対する割合：k = ⌊threshold·N⌋、N = 6 × depth。</translation>
    </message>
    <message>
        <source>β1</source>
        <translation>β1</translation>
    </message>
    <message>
        <source>EMA factor of the sensitivity.</source>
        <translation>感度の指数移動平均（EMA）係数。</translation>
    </message>
    <message>
        <source>β2</source>
        <translation>β2</translation>
    </message>
    <message>
        <source>EMA factor of the uncertainty.</source>
        <translation>不確実性の指数移動平均（EMA）係数。</translation>
    </message>
    <message>
        <source>Gradient clip</source>
        <translation>勾配クリップ</translation>
    </message>
    <message>
        <source>Max global gradient norm of the trainable parameters (0 = off).</source>
        <translation>学習対象パラメータの全体勾配ノルムの上限（0 = オフ）。</translation>
    </message>
    <message>
        <source>SEFE RegLoRA</source>
        <translation>SEFE RegLoRA</translation>
    </message>
    <message>
        <source>A fresh LoRA per task, merged afterwards; later tasks are penalised for changing the top-2 % key elements of every earlier task&apos;s own update.</source>
        <translation>タスクごとに新しい LoRA を学習し、終了後にマージします。後のタスクでは、以前の各タスク自身の更新における上位 2 % の重要要素を変化させるとペナルティを課します。</translation>
    </message>
    <message>
        <source>LoRA rank per task and matrix.</source>
        <translation>タスクと行列ごとの LoRA ランク。</translation>
    </message>
    <message>
        <source>LoRA scaling numerator: ΔW = (α/r)·BA (2r by default).</source>
        <translation>LoRA のスケーリング係数の分子：ΔW = (α/r)·BA（既定値は 2r）。</translation>
    </message>
    <message>
        <source>λ (RegLoRA)</source>
        <translation>λ（RegLoRA）</translation>
    </message>
    <message>
        <source>Weight of the mean |BA| at earlier key positions (official: 2500).</source>
        <translation>以前のタスクの重要位置における |BA| の平均値の重み（公式実装：2500）。</translation>
    </message>
    <message>
        <source>Key elements M (%)</source>
        <translation>重要要素 M（%）</translation>
    </message>
    <message>
        <source>Share of each module&apos;s entries kept as key positions per task (official: 2 %).</source>
        <translation>タスクごとに重要位置として保持する、各モジュールの要素の割合（公式実装：2 %）。</translation>
    </message>
    <message>
        <source>Head lr factor</source>
        <translation>ヘッドの学習率倍率</translation>
    </message>
    <message>
        <source>The head trains at this fraction of the learning rate, as SEFE&apos;s projector (2e-5 vs 2e-4).</source>
        <translation>ヘッドは学習率にこの倍率を掛けた値で学習します。SEFE のプロジェクタと同じ扱いです（2e-5 対 2e-4）。</translation>
    </message>
    <message>
        <source>HiDe</source>
        <translation>HiDe</translation>
    </message>
    <message>
        <source>Per-task LoRA experts trained from the base; at test time the top block(s) mix experts by feature-anchor similarity and the lower blocks use the fused experts.</source>
        <translation>タスクごとの LoRA エキスパートをベースモデルから学習します。テスト時には、上位のブロックで特徴アンカーとの類似度に応じてエキスパートを混合し、下位のブロックでは融合したエキスパートを使います。</translation>
    </message>
    <message>
        <source>Expert rank r</source>
        <translation>エキスパートのランク r</translation>
    </message>
    <message>
        <source>LoRA rank of each task&apos;s expert.</source>
        <translation>各タスクのエキスパートの LoRA ランク。</translation>
    </message>
    <message>
        <source>Scale s</source>
        <translation>スケール s</translation>
    </message>
    <message>
        <source>Expert update s·BA; the official α/R = 96/48 = 2 applies per expert.</source>
        <translation>エキスパートの更新は s·BA です。公式実装の α/R = 96/48 = 2 がエキスパートごとに適用されます。</translation>
    </message>
    <message>
        <source>Expanded top blocks</source>
        <translation>展開する上位ブロック数</translation>
    </message>
    <message>
        <source>Blocks that route experts per sample (from the top); the others fuse them. 0 = merge all, depth = expand all.</source>
        <translation>サンプルごとにエキスパートをルーティングするブロックの数（最上位から数えます）。残りのブロックではエキスパートを融合します。0 = すべてマージ、depth = すべて展開。</translation>
    </message>
    <message>
        <source>Lower-block fusion</source>
        <translation>下位ブロックの融合方式</translation>
    </message>
    <message>
        <source>code: (ΣB)(ΣA) as the official clitmoelora; paper: ΣB·A (no cross terms).</source>
        <translation>コード版：公式の clitmoelora と同じ (ΣB)(ΣA)。論文版：ΣB·A（交差項なし）。</translation>
    </message>
    <message>
        <source>code</source>
        <translation>コード版</translation>
    </message>
    <message>
        <source>paper</source>
        <translation>論文版</translation>
    </message>
    <message>
        <source>Routing temperature</source>
        <translation>ルーティング温度</translation>
    </message>
    <message>
        <source>Expert weights = softmax(cos / temperature) (official: 0.1).</source>
        <translation>エキスパートの重み = softmax(cos / temperature)（公式実装：0.1）。</translation>
    </message>
    <message>
        <source>Recurrent-KIF</source>
        <translation>Recurrent-KIF</translation>
    </message>
    <message>
        <source>One LoRA continued across tasks; rounds of inner steps on the task and outer steps on a small replay memory, fused element-wise by dynamic importance masks.</source>
        <translation>1 つの LoRA を全タスクで学習し続けます。タスクでの内側ステップと小さなリプレイメモリでの外側ステップを 1 ラウンドとして繰り返し、動的な重要度マスクで要素ごとに融合します。</translation>
    </message>
    <message>
        <source>kif: dynamic importance fusion; replay-lora: the same inner + outer steps without fusion (control); static: masks fixed after a task&apos;s first round.</source>
        <translation>KIF：動的な重要度融合。リプレイ LoRA：融合なしで同じ内側 + 外側ステップを行います（比較用）。静的：各タスクの最初のラウンドの後でマスクを固定します。</translation>
    </message>
    <message>
        <source>kif</source>
        <translation>KIF</translation>
    </message>
    <message>
        <source>replay-lora</source>
        <translation>リプレイ LoRA</translation>
    </message>
    <message>
        <source>static</source>
        <translation>静的</translation>
    </message>
    <message>
        <source>LoRA rank (official: 8).</source>
        <translation>LoRA ランク（公式実装：8）。</translation>
    </message>
    <message>
        <source>Inner steps Q</source>
        <translation>内側ステップ数 Q</translation>
    </message>
    <message>
        <source>Task steps per round (official: 8).</source>
        <translation>1 ラウンドあたりのタスクでのステップ数（公式実装：8）。</translation>
    </message>
    <message>
        <source>Outer steps</source>
        <translation>外側ステップ数</translation>
    </message>
    <message>
        <source>Memory steps per round (official: 4).</source>
        <translation>1 ラウンドあたりのメモリでのステップ数（公式実装：4）。</translation>
    </message>
    <message>
        <source>Memory batch</source>
        <translation>メモリのバッチサイズ</translation>
    </message>
    <message>
        <source>Images per outer step.</source>
        <translation>外側ステップ 1 回あたりの画像数。</translation>
    </message>
    <message>
        <source>Memory per task (%)</source>
        <translation>タスクごとのメモリ（%）</translation>
    </message>
    <message>
        <source>Class-balanced share of each finished task kept for replay (official: 2).</source>
        <translation>終了した各タスクのデータのうち、リプレイ用にクラス均衡で保持する割合（公式実装：2）。</translation>
    </message>
    <message>
        <source>Mask quantile</source>
        <translation>マスクの分位点</translation>
    </message>
    <message>
        <source>Elements above this global quantile of importance are key (0.8 = top 20 %).</source>
        <translation>重要度がこの全体分位点を超える要素を重要要素とみなします（0.8 = 上位 20 %）。</translation>
    </message>
    <message>
        <source>β1 (sensitivity EMA)</source>
        <translation>β1（感度の EMA）</translation>
    </message>
    <message>
        <source>Official code: 0.85 (paper: 0.55).</source>
        <translation>公式コード：0.85（論文：0.55）。</translation>
    </message>
    <message>
        <source>β2 (uncertainty EMA)</source>
        <translation>β2（不確実性の EMA）</translation>
    </message>
    <message>
        <source>Official code: 0.85.</source>
        <translation>公式コード：0.85。</translation>
    </message>
    <message>
        <source>MIST (+ SimpleCIL)</source>
        <translation>MIST（+ SimpleCIL）</translation>
    </message>
    <message>
        <source>Before each task, sparsely tunes the backbone with a mutual-information objective (the most informative few % of each weight tensor, random gradient dropping), then runs a frozen-backbone method (SimpleCIL) on it.</source>
        <translation>各タスクの前に、相互情報量を目的関数としてバックボーンを疎に調整し（各重みテンソルのうち最も情報量の多い数 % のみを更新し、勾配をランダムにドロップ）、その上で凍結バックボーン手法（SimpleCIL）を実行します。</translation>
    </message>
    <message>
        <source>Base method</source>
        <translation>ベース手法</translation>
    </message>
    <message>
        <source>The frozen-backbone strategy run after each pre-adaptation.</source>
        <translation>各事前適応の後に実行する、凍結バックボーンの手法。</translation>
    </message>
    <message>
        <source>simplecil</source>
        <translation>SimpleCIL</translation>
    </message>
    <message>
        <source>freeze</source>
        <translation>凍結</translation>
    </message>
    <message>
        <source>Selection</source>
        <translation>選択方法</translation>
    </message>
    <message>
        <source>mi-fisher</source>
        <translation>MI-Fisher</translation>
    </message>
    <message>
        <source>Objective</source>
        <translation>目的関数</translation>
    </message>
    <message>
        <source>mi</source>
        <translation>MI</translation>
    </message>
    <message>
        <source>ce</source>
        <translation>CE</translation>
    </message>
    <message>
        <source>Selected per tensor k (%)</source>
        <translation>テンソルごとの選択率 k（%）</translation>
    </message>
    <message>
        <source>Share of each weight tensor that may change (code 10, paper 5).</source>
        <translation>各重みテンソルのうち変更を許す割合（コード：10、論文：5）。</translation>
    </message>
    <message>
        <source>Gradient drop rate</source>
        <translation>勾配ドロップ率</translation>
    </message>
    <message>
        <source>Probability of dropping each selected gradient per step (official 0.9).</source>
        <translation>選択された各勾配をステップごとにドロップする確率（公式実装：0.9）。</translation>
    </message>
    <message>
        <source>Pre-adaptation epochs</source>
        <translation>事前適応のエポック数</translation>
    </message>
    <message>
        <source>1 scoring epoch + (n-1) tuning epochs before each task (official 20).</source>
        <translation>各タスクの前に、スコア計算 1 エポック + 調整 (n-1) エポックを行います（公式実装：20）。</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>バッチサイズ</translation>
    </message>
    <message>
        <source>Images per pre-adaptation step (official 32).</source>
        <translation>事前適応の 1 ステップあたりの画像数（公式実装：32）。</translation>
    </message>
    <message>
        <source>Backbone lr</source>
        <translation>バックボーンの学習率</translation>
    </message>
    <message>
        <source>SGD learning rate of the backbone (official 1e-4).</source>
        <translation>バックボーンの SGD 学習率（公式実装：1e-4）。</translation>
    </message>
    <message>
        <source>Projection lr</source>
        <translation>射影ヘッドの学習率</translation>
    </message>
    <message>
        <source>SGD learning rate of the projection head (official 0.01).</source>
        <translation>射影ヘッドの SGD 学習率（公式実装：0.01）。</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>Contrastive temperature (official 0.07).</source>
        <translation>対照損失の温度（公式実装：0.07）。</translation>
    </message>
    <message>
        <source>Overlap penalty</source>
        <translation>重複ペナルティ</translation>
    </message>
    <message>
        <source>Gradient factor per earlier selection of an element (official 0.9).</source>
        <translation>要素が以前に選択されるたびに勾配に掛ける係数（公式実装：0.9）。</translation>
    </message>
    <message>
        <source>Max global gradient norm of the trainable parameters (0 = off; official 1.0, the HF trainer default).</source>
        <translation>学習するパラメータ全体の勾配ノルムの上限（0 = なし。公式は 1.0、HF Trainer の既定値）。</translation>
    </message>
    <message>
        <source>qkv matrices</source>
        <translation>qkv 行列</translation>
    </message>
    <message>
        <source>Which of q, k, v get their own LoRA inside the fused qkv layer (each unit is a separate matrix, as in the official code).</source>
        <translation>結合された qkv 層の中で、q・k・v のどれに個別の LoRA を付けるか（公式コードと同じく、それぞれ別の行列として扱う）。</translation>
    </message>
    <message>
        <source>q, v</source>
        <translation>q, v</translation>
    </message>
    <message>
        <source>q, k, v</source>
        <translation>q, k, v</translation>
    </message>
    <message>
        <source>mi-fisher: MIST. Official controls with plain CE and masks re-drawn every step: random-per-step (5 % of each tensor), grad-per-step (global top 0.5 % of |∇CE|). Workbench controls replacing only MIST&apos;s selection, fixed per task: random-fixed (k % at random), grad-fixed (top-k % by |∇CE|).</source>
        <translation>mi-fisher: MIST。公式の対照実験（通常の CE、マスクを毎ステップ引き直す）: random-per-step（各テンソルの 5 % を無作為に）、grad-per-step（|∇CE| の全体上位 0.5 %）。MIST の選択だけを置き換えるワークベンチの対照（タスクごとに固定）: random-fixed（k % を無作為に）、grad-fixed（|∇CE| の上位 k %）。</translation>
    </message>
    <message>
        <source>random-per-step</source>
        <translation>random-per-step</translation>
    </message>
    <message>
        <source>grad-per-step</source>
        <translation>grad-per-step</translation>
    </message>
    <message>
        <source>random-fixed</source>
        <translation>random-fixed</translation>
    </message>
    <message>
        <source>grad-fixed</source>
        <translation>grad-fixed</translation>
    </message>
    <message>
        <source>mi: supervised contrastive mutual information (MIST); ce: cross-entropy (control; the per-step controls always use ce).</source>
        <translation>mi: 教師あり対照学習による相互情報量（MIST）。ce: 交差エントロピー（対照実験。毎ステップ版の対照は常に ce）。</translation>
    </message>
    <message>
        <source>relative weight change since the start</source>
        <translation>開始時からの相対的な重みの変化</translation>
    </message>
    <message>
        <source>LoRA update norm</source>
        <translation>LoRA 更新のノルム</translation>
    </message>
    <message>
        <source>LoRA share of each matrix (‖ΔW‖/‖W₀‖)</source>
        <translation>各行列に占めるLoRAの割合（‖ΔW‖/‖W₀‖）</translation>
    </message>
    <message>
        <source>Fisher information</source>
        <translation>フィッシャー情報量</translation>
    </message>
    <message>
        <source>this task&apos;s LoRA update (‖sBA‖/‖W₀‖)</source>
        <translation>このタスクのLoRA更新（‖sBA‖/‖W₀‖）</translation>
    </message>
    <message>
        <source>IPC score (sensitivity × uncertainty); right column marks frozen matrices</source>
        <translation>IPCスコア（感度×不確実性）。右の列は凍結した行列を示す</translation>
    </message>
    <message>
        <source>share of key elements protected by RegLoRA</source>
        <translation>RegLoRAが保護する重要要素の割合</translation>
    </message>
    <message>
        <source>this task&apos;s expert update; cka column: 1 − cross-task CKA</source>
        <translation>このタスクのエキスパート更新。cka列：1 − タスク間CKA</translation>
    </message>
    <message>
        <source>share of LoRA elements marked key by KIF&apos;s masks</source>
        <translation>KIFのマスクが重要とみなしたLoRA要素の割合</translation>
    </message>
    <message>
        <source>share of weights selected by MIST so far</source>
        <translation>これまでにMISTが選択した重みの割合</translation>
    </message>
    <message>
        <source>Recurrent-KIF memory replay</source>
        <translation>Recurrent-KIF のメモリ再生</translation>
    </message>
    <message>
        <source>MIST pre-adaptation</source>
        <translation>MIST の事前適応</translation>
    </message>
    <message>
        <source>Head in the masks</source>
        <translation>ヘッドをマスクに含める</translation>
    </message>
    <message>
        <source>Fuse the shared classifier head by importance masks with the LoRA (on: the head&apos;s elements compete in the global quantile); off: masks over the LoRA only, the head trained plainly.</source>
        <translation>共有分類ヘッドも LoRA と一緒に重要度マスクで融合する（オン：ヘッドの要素もグローバル分位点で競合する）。オフ：マスクは LoRA のみ、ヘッドは通常どおり学習する。</translation>
    </message>
</context>
<context>
    <name>StudiesDock</name>
    <message>
        <source>clwb-run was not found beside clwb (%1). Studies are run and managed by it: build it (ninja clwb-run) or install it in the same folder.</source>
        <translation>clwb の隣に clwb-run が見つかりません（%1）。スタディの実行と管理には clwb-run が必要です。ビルドする（ninja clwb-run）か、同じフォルダにインストールしてください。</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名前</translation>
    </message>
    <message>
        <source>Executor</source>
        <translation>実行方式</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>進捗</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>待機</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>実行中</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完了</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>中止</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>作成日時</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>開く</translation>
    </message>
    <message>
        <source>Show the study&apos;s results in the Study tab (or double-click it)</source>
        <translation>スタディの結果を「スタディ」タブに表示します（ダブルクリックでも可）</translation>
    </message>
    <message>
        <source>Merge finished</source>
        <translation>完了分をマージ</translation>
    </message>
    <message>
        <source>Merge the runs of ended tasks from the study folder into the database (clwb-run study-merge)</source>
        <translation>終了したタスクのランをスタディフォルダからデータベースにマージします（clwb-run study-merge）</translation>
    </message>
    <message>
        <source>Cancel…</source>
        <translation>中止…</translation>
    </message>
    <message>
        <source>Stop the study&apos;s running tasks (clwb-run study-cancel)</source>
        <translation>スタディの実行中のタスクを停止します（clwb-run study-cancel）</translation>
    </message>
    <message>
        <source>Resubmit failed</source>
        <translation>失敗分を再投入</translation>
    </message>
    <message>
        <source>Submit a Slurm study&apos;s failed tasks again (clwb-run study-resubmit)</source>
        <translation>Slurm スタディの失敗したタスクを再投入します（clwb-run study-resubmit）</translation>
    </message>
    <message>
        <source>Report…</source>
        <translation>レポート…</translation>
    </message>
    <message>
        <source>Save the study&apos;s results over seeds as Markdown, CSV, LaTeX or JSON</source>
        <translation>スタディのシード間の結果を Markdown・CSV・LaTeX・JSON で保存します</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>更新</translation>
    </message>
    <message>
        <source>Run → New Study… starts one. Studies run by clwb-run in a terminal show here too.</source>
        <translation>「実行 → 新しいスタディ…」で開始します。端末から clwb-run で実行したスタディもここに表示されます。</translation>
    </message>
    <message>
        <source>Cannot list the studies: %1</source>
        <translation>スタディの一覧を取得できません: %1</translation>
    </message>
    <message>
        <source>in process</source>
        <translation>プロセス内</translation>
    </message>
    <message>
        <source>local pool</source>
        <translation>ローカルプール</translation>
    </message>
    <message>
        <source>Slurm</source>
        <translation>Slurm</translation>
    </message>
    <message>
        <source>Run in process; its runs are in the database.</source>
        <translation>プロセス内で実行。ランはデータベースにあります。</translation>
    </message>
    <message>
        <source>Study folder: %1</source>
        <translation>スタディフォルダ: %1</translation>
    </message>
    <message>
        <source>%1 of %2 ended</source>
        <translation>%2 件中 %1 件終了</translation>
    </message>
    <message>
        <source>%1: done</source>
        <translation>%1: 完了</translation>
    </message>
    <message>
        <source>%1: ended with exit code %2</source>
        <translation>%1: 終了コード %2 で終了しました</translation>
    </message>
    <message>
        <source>%1: cannot start clwb-run: %2</source>
        <translation>%1: clwb-run を起動できません: %2</translation>
    </message>
    <message>
        <source>Study</source>
        <translation>スタディ</translation>
    </message>
    <message>
        <source>Merge of study %1</source>
        <translation>スタディ %1 のマージ</translation>
    </message>
    <message>
        <source>Cancel of study %1</source>
        <translation>スタディ %1 の中止</translation>
    </message>
    <message>
        <source>Resubmission of study %1</source>
        <translation>スタディ %1 の再投入</translation>
    </message>
    <message>
        <source>Cannot summarise study %1: %2</source>
        <translation>スタディ %1 を集計できません: %2</translation>
    </message>
    <message>
        <source>Cancel study</source>
        <translation>スタディを中止</translation>
    </message>
    <message>
        <source>Stop the running tasks of study %1? Runs that finished stay; the stopped ones are stored as cancelled.</source>
        <translation>スタディ %1 の実行中のタスクを停止しますか？ 完了したランは残り、停止したランは「中止」として保存されます。</translation>
    </message>
    <message>
        <source>Save the study&apos;s report</source>
        <translation>スタディのレポートを保存</translation>
    </message>
    <message>
        <source>Markdown (*.md);;CSV (*.csv);;LaTeX (*.tex);;JSON (*.json)</source>
        <translation>Markdown (*.md);;CSV (*.csv);;LaTeX (*.tex);;JSON (*.json)</translation>
    </message>
    <message>
        <source>Study report saved to %1</source>
        <translation>スタディのレポートを %1 に保存しました</translation>
    </message>
    <message>
        <source>Cannot write %1</source>
        <translation>%1 を書き込めません</translation>
    </message>
</context>
<context>
    <name>StudyCurveChart</name>
    <message>
        <source>Average accuracy A_t after each task (mean ± std over seeds)</source>
        <translation>各タスク後の平均精度 A_t（シード間の平均 ± 標準偏差）</translation>
    </message>
    <message>
        <source>Tasks learned t</source>
        <translation>学習済みタスク数 t</translation>
    </message>
    <message>
        <source>A_t (%)</source>
        <translation>A_t（%）</translation>
    </message>
    <message>
        <source>Forgetting after each task (mean ± std over seeds)</source>
        <translation>各タスク後の忘却（シード間の平均 ± 標準偏差）</translation>
    </message>
    <message>
        <source>Forgetting (pp)</source>
        <translation>忘却（pt）</translation>
    </message>
    <message>
        <source>A_T by %1 (mean ± std over seeds)</source>
        <translation>%1 ごとの A_T（シード間の平均 ± 標準偏差）</translation>
    </message>
    <message>
        <source>A_T (%)</source>
        <translation>A_T（%）</translation>
    </message>
</context>
<context>
    <name>StudyDialog</name>
    <message>
        <source>New Study</source>
        <translation>新しいスタディ</translation>
    </message>
    <message>
        <source>A study runs the experiment in the designer once per configuration, seed and grid point, and reports the mean ± std over seeds.</source>
        <translation>スタディは、デザイナーの実験を構成・シード・グリッド点ごとに 1 回ずつ実行し、シード間の平均 ± 標準偏差を報告します。</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>名前:</translation>
    </message>
    <message>
        <source>Seeds:</source>
        <translation>シード:</translation>
    </message>
    <message>
        <source>A count (3 = seeds 0, 1, 2) or a list of seeds (0, 4, 7)</source>
        <translation>個数（3 = シード 0, 1, 2）またはシードの一覧（0, 4, 7）</translation>
    </message>
    <message>
        <source>Base experiment: “%1” (%2 data, %3 tasks) from the designer, with its settings.</source>
        <translation>ベースの実験: デザイナーの「%1」（%2 データ、%3 タスク）とその設定。</translation>
    </message>
    <message>
        <source>Configurations: the strategies to compare</source>
        <translation>構成: 比較する手法</translation>
    </message>
    <message>
        <source>Strategy</source>
        <translation>手法</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>ラベル</translation>
    </message>
    <message>
        <source>Grid (optional): every combination of the values</source>
        <translation>グリッド（任意）: 値のすべての組み合わせ</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>キー</translation>
    </message>
    <message>
        <source>Values (comma-separated)</source>
        <translation>値（カンマ区切り）</translation>
    </message>
    <message>
        <source>For</source>
        <translation>対象</translation>
    </message>
    <message>
        <source>Add axis</source>
        <translation>軸を追加</translation>
    </message>
    <message>
        <source>Remove axis</source>
        <translation>軸を削除</translation>
    </message>
    <message>
        <source>Save study…</source>
        <translation>スタディを保存…</translation>
    </message>
    <message>
        <source>Save the study document as JSON (clwb-run study FILE runs it)</source>
        <translation>スタディを JSON で保存します（clwb-run study FILE で実行できます）</translation>
    </message>
    <message>
        <source>all</source>
        <translation>すべて</translation>
    </message>
    <message>
        <source>%1 study</source>
        <translation>%1 のスタディ</translation>
    </message>
    <message>
        <source>1 problem: the study cannot run yet</source>
        <translation>問題が 1 件あります。スタディはまだ実行できません</translation>
    </message>
    <message>
        <source>%1 problems: the study cannot run yet</source>
        <translation>問題が %1 件あります。スタディはまだ実行できません</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>確認しています…</translation>
    </message>
    <message>
        <source>1 run</source>
        <translation>1 ラン</translation>
    </message>
    <message>
        <source>%1 runs</source>
        <translation>%1 ラン</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>%1 を書き込めません: %2</translation>
    </message>
    <message>
        <source>Save study</source>
        <translation>スタディを保存</translation>
    </message>
    <message>
        <source>Studies (*.json)</source>
        <translation>スタディ (*.json)</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>%1 を保存しました</translation>
    </message>
</context>
<context>
    <name>StudyExecutorBox</name>
    <message>
        <source>Where the runs go</source>
        <translation>ランの実行先</translation>
    </message>
    <message>
        <source>In process: one run after another</source>
        <translation>プロセス内: 1 つずつ順に実行</translation>
    </message>
    <message>
        <source>Local pool: several clwb-run processes at once</source>
        <translation>ローカルプール: 複数の clwb-run プロセスを同時に実行</translation>
    </message>
    <message>
        <source>Slurm: a job array</source>
        <translation>Slurm: ジョブ配列</translation>
    </message>
    <message>
        <source>clwb-run runs each run in turn in its own process and stores it in the database.</source>
        <translation>clwb-run が自身のプロセス内で各ランを順に実行し、データベースに保存します。</translation>
    </message>
    <message>
        <source>At most at once:</source>
        <translation>同時実行数の上限:</translation>
    </message>
    <message>
        <source>as many as cores</source>
        <translation>コア数まで</translation>
    </message>
    <message>
        <source>Partition:</source>
        <translation>パーティション:</translation>
    </message>
    <message>
        <source>Time limit:</source>
        <translation>時間制限:</translation>
    </message>
    <message>
        <source>e.g. 02:00:00</source>
        <translation>例: 02:00:00</translation>
    </message>
    <message>
        <source>Memory:</source>
        <translation>メモリ:</translation>
    </message>
    <message>
        <source>e.g. 16G</source>
        <translation>例: 16G</translation>
    </message>
    <message>
        <source>GPUs:</source>
        <translation>GPU:</translation>
    </message>
    <message>
        <source>Extra #SBATCH lines:</source>
        <translation>追加の #SBATCH 行:</translation>
    </message>
    <message>
        <source>Submit now (sbatch)</source>
        <translation>すぐに投入する（sbatch）</translation>
    </message>
</context>
<context>
    <name>StudyTableModel</name>
    <message>
        <source>%1 ± %2 %</source>
        <translation>%1 ± %2 %</translation>
    </message>
    <message>
        <source>%1 ± %2 pp</source>
        <translation>%1 ± %2 pt</translation>
    </message>
    <message>
        <source>%1 ± %2 s</source>
        <translation>%1 ± %2 秒</translation>
    </message>
    <message>
        <source>%1 ± %2</source>
        <translation>%1 ± %2</translation>
    </message>
    <message>
        <source>A_T</source>
        <translation>A_T</translation>
    </message>
    <message>
        <source>Ā</source>
        <translation>Ā</translation>
    </message>
    <message>
        <source>BWT</source>
        <translation>BWT</translation>
    </message>
    <message>
        <source>FWT</source>
        <translation>FWT</translation>
    </message>
    <message>
        <source>Forgetting</source>
        <translation>忘却</translation>
    </message>
    <message>
        <source>Forgetting (first)</source>
        <translation>忘却（初回値基準）</translation>
    </message>
    <message>
        <source>Plasticity</source>
        <translation>可塑性</translation>
    </message>
    <message>
        <source>Trainable params</source>
        <translation>学習パラメータ数</translation>
    </message>
    <message>
        <source>Stored params</source>
        <translation>保存パラメータ数</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>時間</translation>
    </message>
    <message>
        <source>Group %1; runs %2</source>
        <translation>グループ %1、ラン %2</translation>
    </message>
    <message>
        <source>Seeds: %1</source>
        <translation>シード: %1</translation>
    </message>
    <message>
        <source>%1: %2 from one seed</source>
        <translation>%1: %2（シード 1 つ）</translation>
    </message>
    <message>
        <source>%1: %2, mean ± standard deviation over %3 seeds</source>
        <translation>%1: %2（%3 シードの平均 ± 標準偏差）</translation>
    </message>
    <message>
        <source>Configuration</source>
        <translation>構成</translation>
    </message>
    <message>
        <source>Seeds</source>
        <translation>シード数</translation>
    </message>
    <message>
        <source>Finished runs averaged (one per seed)</source>
        <translation>平均した完了ランの数（シードごとに 1 つ）</translation>
    </message>
    <message>
        <source>Higher is better; the best mean is bold.</source>
        <translation>高いほど良い指標です。最良の平均値を太字で示します。</translation>
    </message>
    <message>
        <source>Lower is better; the best mean is bold.</source>
        <translation>低いほど良い指標です。最良の平均値を太字で示します。</translation>
    </message>
</context>
<context>
    <name>StudyView</name>
    <message>
        <source>No study on show</source>
        <translation>表示中のスタディはありません</translation>
    </message>
    <message>
        <source>Open a study in the Studies dock, or select runs in the Runs browser and press Study comparison.</source>
        <translation>「スタディ一覧」でスタディを開くか、「ラン一覧」でランを選んで「スタディとして比較」を押してください。</translation>
    </message>
    <message>
        <source>1 configuration</source>
        <translation>1 構成</translation>
    </message>
    <message>
        <source>%1 configurations</source>
        <translation>%1 構成</translation>
    </message>
    <message>
        <source>1 finished run</source>
        <translation>完了ラン 1 件</translation>
    </message>
    <message>
        <source>%1 finished runs</source>
        <translation>完了ラン %1 件</translation>
    </message>
    <message>
        <source>1 run that did not finish is left out of the averages.</source>
        <translation>完了しなかったラン 1 件は平均から除外しています。</translation>
    </message>
    <message>
        <source>%1 runs that did not finish are left out of the averages.</source>
        <translation>完了しなかったラン %1 件は平均から除外しています。</translation>
    </message>
    <message>
        <source>Matrix of:</source>
        <translation>行列の対象:</translation>
    </message>
    <message>
        <source>Results: mean ± std over seeds; the best of each column in bold. Click a header to sort, a row to show its matrix.</source>
        <translation>結果: シード間の平均 ± 標準偏差。各列の最良値を太字で示します。見出しをクリックすると並べ替え、行をクリックするとその行列を表示します。</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>結果</translation>
    </message>
    <message>
        <source>Grid: A_T by each axis</source>
        <translation>グリッド: 軸ごとの A_T</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>CSV をエクスポート…</translation>
    </message>
    <message>
        <source>Export Markdown…</source>
        <translation>Markdown をエクスポート…</translation>
    </message>
    <message>
        <source>Export LaTeX…</source>
        <translation>LaTeX をエクスポート…</translation>
    </message>
    <message>
        <source>Best configuration: %1 (A_T %2; ties go to lower forgetting)</source>
        <translation>最良の構成: %1（A_T %2。同点なら忘却の小さい方）</translation>
    </message>
    <message>
        <source>After task %1, task %2: %3 % (one seed)</source>
        <translation>タスク %1 の後、タスク %2: %3 %（シード 1 つ）</translation>
    </message>
    <message>
        <source>After task %1, task %2: %3 ± %4 % over %5 seeds</source>
        <translation>タスク %1 の後、タスク %2: %3 ± %4 %（%5 シード）</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV ファイル (*.csv)</translation>
    </message>
    <message>
        <source>Markdown files (*.md)</source>
        <translation>Markdown ファイル (*.md)</translation>
    </message>
    <message>
        <source>LaTeX files (*.tex)</source>
        <translation>LaTeX ファイル (*.tex)</translation>
    </message>
    <message>
        <source>JSON files (*.json)</source>
        <translation>JSON ファイル (*.json)</translation>
    </message>
    <message>
        <source>Export the study&apos;s results</source>
        <translation>スタディの結果をエクスポート</translation>
    </message>
    <message>
        <source>Cannot export</source>
        <translation>エクスポートできません</translation>
    </message>
    <message>
        <source>Could not write %1.</source>
        <translation>%1 を書き込めませんでした。</translation>
    </message>
</context>
<context>
    <name>TaskTableModel</name>
    <message>
        <source>All classes, pixel permutation %1</source>
        <translation>全クラス、画素置換 %1</translation>
    </message>
    <message>
        <source>All classes, rotated %1°</source>
        <translation>全クラス、%1° 回転</translation>
    </message>
    <message>
        <source>(no classes)</source>
        <translation>（クラスなし）</translation>
    </message>
    <message>
        <source>Task %1</source>
        <translation>タスク %1</translation>
    </message>
    <message>
        <source>Classes</source>
        <translation>クラス</translation>
    </message>
    <message>
        <source>Class ids</source>
        <translation>クラス ID</translation>
    </message>
    <message>
        <source>Add task</source>
        <translation>タスクを追加</translation>
    </message>
    <message>
        <source>Remove task %1</source>
        <translation>タスク %1 を削除</translation>
    </message>
    <message>
        <source>Move task up</source>
        <translation>タスクを上へ移動</translation>
    </message>
    <message>
        <source>Move task down</source>
        <translation>タスクを下へ移動</translation>
    </message>
    <message>
        <source>Change classes of task %1</source>
        <translation>タスク %1 のクラスを変更</translation>
    </message>
    <message>
        <source>Preset: split %1 × %2</source>
        <translation>プリセット: %1 × %2 に分割</translation>
    </message>
    <message>
        <source>Preset: permuted</source>
        <translation>プリセット: Permuted</translation>
    </message>
    <message>
        <source>Preset: rotated</source>
        <translation>プリセット: Rotated</translation>
    </message>
    <message>
        <source>yes/no</source>
        <translation>はい/いいえ</translation>
    </message>
    <message>
        <source>multiple choice</source>
        <translation>多肢選択</translation>
    </message>
    <message>
        <source>short answer</source>
        <translation>短答</translation>
    </message>
    <message>
        <source>brief answer</source>
        <translation>簡潔な回答</translation>
    </message>
    <message>
        <source>detailed answer</source>
        <translation>詳細な回答</translation>
    </message>
    <message>
        <source>%1 — Q&amp;A: %2 (ASD %3 %)</source>
        <translation>%1 — 質問応答：%2（ASD %3 %）</translation>
    </message>
    <message>
        <source>%1 — Q&amp;A: %2</source>
        <translation>%1 — 質問応答：%2</translation>
    </message>
    <message>
        <source>Preset: question answering</source>
        <translation>プリセット：質問応答</translation>
    </message>
</context>
<context>
    <name>TrainingWorker</name>
    <message>
        <source>unknown error</source>
        <translation>不明なエラー</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Also save a screenshot while the run is in progress.</source>
        <translation>実行中のスクリーンショットも保存します。</translation>
    </message>
    <message>
        <source>Seconds after the start for --mid-screenshot (default 15).</source>
        <translation>--mid-screenshot を撮るまでの開始からの秒数（既定値 15）。</translation>
    </message>
    <message>
        <source>CL Workbench: continual-learning experiments.</source>
        <translation>CL Workbench: 継続学習の実験。</translation>
    </message>
    <message>
        <source>Load the demo and run it.</source>
        <translation>デモを読み込んで実行します。</translation>
    </message>
    <message>
        <source>Start CONFIG at once.</source>
        <translation>CONFIG をすぐに実行します。</translation>
    </message>
    <message>
        <source>Save a screenshot of the window when the run ends.</source>
        <translation>ラン終了時にウィンドウのスクリーンショットを保存します。</translation>
    </message>
    <message>
        <source>Write a PDF report when the run ends.</source>
        <translation>ラン終了時に PDF レポートを書き出します。</translation>
    </message>
    <message>
        <source>Exit when the run (and screenshot) is done.</source>
        <translation>ラン（とスクリーンショット）が終わったら終了します。</translation>
    </message>
    <message>
        <source>Run database file.</source>
        <translation>ランのデータベースファイル。</translation>
    </message>
    <message>
        <source>Interface language.</source>
        <translation>表示言語。</translation>
    </message>
    <message>
        <source>Experiment to open.</source>
        <translation>開く実験。</translation>
    </message>
    <message>
        <source>Run nothing; save a screenshot of the dataset preview (or of the --import-backbone dialog) and exit.</source>
        <translation>何も実行せず、データセットのプレビュー（または --import-backbone のダイアログ）のスクリーンショットを保存して終了します。</translation>
    </message>
    <message>
        <source>Open the backbone import dialog on CHECKPOINT.</source>
        <translation>CHECKPOINT についてバックボーン取り込みダイアログを開きます。</translation>
    </message>
    <message>
        <source>Inspection view shown at start.</source>
        <translation>起動時に表示する検査ビュー。</translation>
    </message>
    <message>
        <source>Presentation mode on the run as soon as it starts.</source>
        <translation>実行が始まったらすぐにプレゼンテーションモードで表示します。</translation>
    </message>
    <message>
        <source>Presentation mode on stored runs (one, or two side by side).</source>
        <translation>保存済みの実行をプレゼンテーションモードで表示します（1 つ、または 2 つを並べて）。</translation>
    </message>
    <message>
        <source>Boundary shown before --screenshot (0 = before training).</source>
        <translation>--screenshot の前に表示する境界（0 = 学習前）。</translation>
    </message>
    <message>
        <source>Light or dark (default: as the desktop, or as last chosen).</source>
        <translation>ライトまたはダーク（既定: デスクトップに合わせる、または前回の選択）。</translation>
    </message>
    <message>
        <source>Open the Study tab on study ID of --db; with --screenshot, grab it and exit.</source>
        <translation>--db のスタディ ID を「スタディ」タブで開きます。--screenshot を付けると撮影して終了します。</translation>
    </message>
    <message>
        <source>Open Run → New Study… on the experiment (with --design-screenshot, grab it).</source>
        <translation>実験について「実行 → 新しいスタディ…」を開きます（--design-screenshot を付けると撮影します）。</translation>
    </message>
</context>
</TS>
