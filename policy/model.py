"""A language-conditioned Transporter network (Zeng et al. 2020; CLIPort's conditioning).

Two heads over the top-down image:

- pick: a fully convolutional network gives one logit per pixel; the pick is the best pixel.
- place: a *key* network embeds the scene; the square of the image around the pick is turned
  to ``rotations`` angles and a *query* network embeds each turned square; each embedding is
  cross-correlated with the scene's, giving one logit per (angle, pixel). The best one is
  where the picked object should go and how far it turns.

The image is turned before the query network, as in the Transporter and CLIPort, never the
query's features. Turning is a bilinear resampling: it leaves 0 degrees (and the multiples of
90) exact and blurs every other angle. Resampled *learned* features made the 0-degree kernel
the sharpest, a bias that the network fell into: block-insertion's place angles collapsed onto
0 (one trained model chose bins 0-3 for 81 of its 100 training samples, and the right bin for
4). Resampling the input instead shows the network every angle's (slightly blurred) image to
embed alike; the same training then gets 100% of those samples within one bin.

The instruction's sentence embedding conditions all three networks by FiLM (a per-channel
scale and shift at every decoder level). Cross-correlation is done with FFTs: with 36 kernels
per sample it is about 20x cheaper than a direct convolution on a CPU.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from policy.config import ModelConfig


class _Block(nn.Module):
    """conv-relu twice; the first conv may stride. No normalisation: batches are tiny, and
    norm layers cost a third of a CPU step here."""

    def __init__(self, c_in: int, c_out: int, stride: int = 1) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(c_in, c_out, 3, stride, 1),
            nn.ReLU(inplace=True),
            nn.Conv2d(c_out, c_out, 3, 1, 1),
            nn.ReLU(inplace=True),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)


class FiLMUNet(nn.Module):
    """A small U-Net whose bottleneck and decoder levels are modulated by the language."""

    def __init__(self, c_in: int, c_out: int, channels: int, depth: int, language_dim: int) -> None:
        super().__init__()
        widths = [channels * 2**i for i in range(depth + 1)]
        self.stem = _Block(c_in, widths[0])
        self.down = nn.ModuleList(_Block(widths[i], widths[i + 1], 2) for i in range(depth))
        self.up = nn.ModuleList(
            _Block(widths[i + 1] + widths[i], widths[i]) for i in reversed(range(depth))
        )
        film_widths = [widths[-1]] + [widths[i] for i in reversed(range(depth))]
        films = [nn.Linear(language_dim, 2 * w) for w in film_widths]
        for layer in films:  # start as the identity modulation
            nn.init.zeros_(layer.weight)
            nn.init.zeros_(layer.bias)
        self.film = nn.ModuleList(films)
        self.head = nn.Conv2d(widths[0], c_out, 1)

    @staticmethod
    def _modulate(x: torch.Tensor, film: nn.Module, language: torch.Tensor) -> torch.Tensor:
        gamma, beta = film(language).chunk(2, dim=-1)
        return x * (1 + gamma[..., None, None]) + beta[..., None, None]

    def forward(self, x: torch.Tensor, language: torch.Tensor) -> torch.Tensor:
        skips = [self.stem(x)]
        for down in self.down:
            skips.append(down(skips[-1]))
        x = self._modulate(skips.pop(), self.film[0], language)
        for up, film in zip(self.up, self.film[1:], strict=True):
            skip = skips.pop()
            x = F.interpolate(x, size=skip.shape[-2:], mode="bilinear", align_corners=False)
            x = self._modulate(up(torch.cat([x, skip], dim=1)), film, language)
        return self.head(x)


def cross_correlate(scene: torch.Tensor, kernels: torch.Tensor) -> torch.Tensor:
    """Per-sample 'same' cross-correlation, as ``F.conv2d(scene[b], kernels[b], padding=k//2)``.

    scene: B x C x H x W; kernels: B x R x C x k x k (k odd). Returns B x R x H x W.
    """
    _, _, rows, cols = scene.shape
    k = kernels.shape[-1]
    half = k // 2
    padded = F.pad(scene, (half, half, half, half))
    size = padded.shape[-2:]
    scene_f = torch.fft.rfft2(padded, s=size)  # B x C x P x Q'
    kernel_f = torch.fft.rfft2(kernels, s=size)  # B x R x C x P x Q'
    product = (scene_f[:, None] * kernel_f.conj()).sum(dim=2)
    out = torch.fft.irfft2(product, s=size)
    return out[..., :rows, :cols]


def rotation_grid(angles: torch.Tensor, size: int) -> torch.Tensor:
    """Sampling grids that turn a square image by each angle (the world's yaw direction in
    (row = y, column = x) images): R x size x size x 2."""
    c, s = torch.cos(angles), torch.sin(angles)
    zero = torch.zeros_like(c)
    theta = torch.stack([torch.stack([c, s, zero], -1), torch.stack([-s, c, zero], -1)], 1)
    return F.affine_grid(theta, [len(angles), 1, size, size], align_corners=False)


def sample_bins(target: torch.Tensor, rotations: int, count: int) -> torch.Tensor:
    """Per sample, the target bin followed by ``count - 1`` other bins (random, distinct)."""
    others = torch.rand(len(target), rotations, device=target.device)
    others[torch.arange(len(target)), target] = 2.0  # never drawn as an 'other'
    drawn = others.argsort(dim=1)[:, : count - 1]
    return torch.cat([target[:, None], drawn], dim=1)


def softmax_bins(
    rotation: torch.Tensor, free: torch.Tensor, rotations: int, count: int
) -> torch.Tensor:
    """The ``count`` bins each sample's sampled place softmax scores (B x count).

    A sample that scores its rotation gets the expert's bin first, then random others. A free
    goal's (``free``) bins are all random: its recorded angle (always 0 for the bowl expert)
    in every softmax was a preference the network learned and passed on to other tasks.
    """
    anywhere = torch.randint_like(rotation, rotations)
    return sample_bins(torch.where(free, anywhere, rotation), rotations, count)


class Transporter(nn.Module):
    """Pick and place heads over a C x H x W image, conditioned on a language embedding."""

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.cfg = cfg
        args = (cfg.channels, cfg.depth, cfg.language_dim)
        # One scene network gives the pick logits (channel 0) and the place keys (the rest).
        self.scene_net = FiLMUNet(cfg.in_channels, 1 + cfg.key_channels, *args)
        self.query_net = FiLMUNet(cfg.in_channels, cfg.key_channels, *args)
        # The query is embedded on a square large enough that turning it loses no corner.
        self.query_size = 2 * math.ceil(cfg.crop * math.sqrt(2) / 2) + 1
        self.scale = 1.0 / math.sqrt(cfg.key_channels * cfg.crop * cfg.crop)
        angles = torch.arange(cfg.rotations, dtype=torch.float32) * (2 * math.pi / cfg.rotations)
        self.grids: torch.Tensor
        self.register_buffer("grids", rotation_grid(angles, self.query_size), persistent=False)

    def scene(
        self, image: torch.Tensor, language: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Pick logits (B x H x W) and place keys (B x C x H x W)."""
        out = self.scene_net(image, language)
        return out[:, 0], out[:, 1:]

    def crops(self, image: torch.Tensor, pick: torch.Tensor) -> torch.Tensor:
        """B x C x q x q squares of the image centred on each pick pixel (zero outside)."""
        half = self.query_size // 2
        padded = F.pad(image, (half, half, half, half))
        rows = pick[:, 0].long()
        cols = pick[:, 1].long()
        return torch.stack(
            [
                padded[b, :, r : r + self.query_size, c : c + self.query_size]
                for b, (r, c) in enumerate(zip(rows.tolist(), cols.tolist(), strict=True))
            ]
        )

    def place_logits(
        self,
        image: torch.Tensor,
        language: torch.Tensor,
        pick: torch.Tensor,
        key: torch.Tensor,
        bins: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """B x R x H x W: how well the picked neighbourhood, turned by each angle, fits there.

        The query network runs once per (sample, angle) on a ``crop``-sized square, cut from
        the turned ``query_size`` square (large enough that turning loses no corner).

        ``bins`` (B x R', long) scores only those rotation bins of each sample (B x R' x H x W).
        """
        batch = image.shape[0]
        k, q = self.cfg.crop, self.query_size
        if bins is None:
            rotations, grids = self.cfg.rotations, self.grids.repeat(batch, 1, 1, 1)
        else:
            rotations, grids = bins.shape[1], self.grids[bins.flatten()]
        turned = F.grid_sample(
            self.crops(image, pick).repeat_interleave(rotations, dim=0),
            grids,
            mode="bilinear",
            align_corners=False,
        )
        start = (q - k) // 2
        squares = turned[..., start : start + k, start : start + k]  # (B R) x C x k x k
        kernels = self.query_net(squares, language.repeat_interleave(rotations, dim=0))
        kernels = kernels.reshape(batch, rotations, kernels.shape[1], k, k)
        return cross_correlate(key, kernels) * self.scale

    def losses(
        self,
        image: torch.Tensor,
        language: torch.Tensor,
        pick: torch.Tensor,
        place: torch.Tensor,
        rotation: torch.Tensor,
        sampled_rotations: int | None = None,
        rotation_free: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Cross-entropy of the expert's pick pixel and of its (rotation, place pixel).

        Where ``rotation_free`` (B, bool) is set the goal does not score the rotation, so the
        expert's angle is arbitrary (the bowl expert always reports 0). The target there is the
        place pixel with every angle equally likely: the expectation of CLIPort's random angle
        labels, without their noise. Neither a recorded angle nor the most-probable one is
        favoured: either taught the shared place head a preferred angle that other tasks then
        inherited (block-insertion's angles collapsed onto the bowl expert's 0).

        With ``sampled_rotations`` the place softmax runs over the expert's rotation bin and
        that many minus one other bins drawn at random (a sampled softmax): the correlation is
        most of a step's cost, and every bin still gets trained over many steps. A free goal's
        bins are all drawn at random, so no angle is in every one of its softmaxes.
        """
        _, _, rows, cols = image.shape
        pick_logits, key = self.scene(image, language)
        pick_target = pick[:, 0] * cols + pick[:, 1]
        pick_loss = F.cross_entropy(pick_logits.flatten(1), pick_target)
        free = (
            torch.zeros_like(rotation, dtype=torch.bool) if rotation_free is None else rotation_free
        )
        bins = None
        if sampled_rotations is not None and sampled_rotations < self.cfg.rotations:
            bins = softmax_bins(rotation, free, self.cfg.rotations, sampled_rotations)
            rotation = torch.zeros_like(rotation)  # the expert's bin comes first
        logits = self.place_logits(image, language, pick, key, bins)
        log_p = F.log_softmax(logits.flatten(1), dim=1).view_as(logits)
        at_pixel = log_p[torch.arange(len(place)), :, place[:, 0], place[:, 1]]  # B x R
        expert = at_pixel.gather(1, rotation[:, None])[:, 0]
        expert = torch.where(free, at_pixel.mean(dim=1), expert)
        return pick_loss, -expert.mean()

    @torch.no_grad()
    def act(
        self, image: torch.Tensor, language: torch.Tensor
    ) -> tuple[tuple[int, int], tuple[int, int], int]:
        """The best pick pixel, place pixel and rotation bin for one C x H x W image."""
        image, language = image[None], language[None]
        _, _, rows, cols = image.shape
        pick_logits, key = self.scene(image, language)
        pick_index = int(pick_logits.flatten().argmax())
        pick = (pick_index // cols, pick_index % cols)
        place_logits = self.place_logits(image, language, torch.tensor([pick]), key)
        index = int(place_logits.flatten().argmax())
        rotation, pixel = divmod(index, rows * cols)
        return pick, (pixel // cols, pixel % cols), rotation
