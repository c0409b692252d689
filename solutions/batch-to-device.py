def batch_to(batch, device):
    return {name: t.to(device) for name, t in batch.items()}
