"""The training loop both trained models share: AdamW with a one-cycle learning rate over
shuffled batches, augmented, with the test accuracy after each epoch."""
import argparse
import os
import time

import torch
import torch.nn.functional as F


def arguments(doc, output_help, epochs):
    """The scripts' command line (output, --epochs, --batch, --seed, --threads), with torch seeded
    and its threads set: (arguments, the generator of shuffles and augmentations)."""
    p = argparse.ArgumentParser(description=doc,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("output", help=output_help)
    p.add_argument("--epochs", type=int, default=epochs)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    a = p.parse_args()
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    return a, torch.Generator().manual_seed(a.seed)


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        right = sum((model(x[i:i + 1000]).argmax(1) == y[i:i + 1000]).sum().item()
                    for i in range(0, len(x), 1000))
    return right / len(x)


def train(model, train_set, test_set, augment, generator, epochs, batch, label_smoothing=0.0,
          lr=3e-3, weight_decay=5e-4):
    """Trains `model` in place on (x, y) `train_set`, `augment(x, generator)` applied to each
    batch; prints the loss and `test_set` accuracy after each epoch. Returns the seconds taken."""
    train_x, train_y = train_set
    steps = epochs * ((len(train_x) + batch - 1) // batch)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=lr, total_steps=steps)
    start = time.time()
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(train_x), generator=generator)
        total = 0.0
        for i in range(0, len(order), batch):
            idx = order[i:i + batch]
            loss = F.cross_entropy(model(augment(train_x[idx], generator)), train_y[idx],
                                   label_smoothing=label_smoothing)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            total += loss.item() * len(idx)
        print(f"epoch {epoch + 1}/{epochs}: loss {total / len(train_x):.4f}, "
              f"test accuracy {accuracy(model, *test_set):.4f}, {time.time() - start:.0f} s",
              flush=True)
    model.eval()
    return time.time() - start
