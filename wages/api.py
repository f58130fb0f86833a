"""REST API for pay lines (代发明细): banks push per-worker lines of a payroll batch, and read them back.

Beside the bank feeds of projects/api/feeds.py, with the same access: banks write and read the lines of
the projects whose dedicated account they hold, office staff and admins write any, the platform reads
all, people read what the pages show them. A batch is stored all or nothing; every refused line is
listed with its index, field and a Chinese reason. The worker is named by his resident ID number and
must be on the project's roster that month. A card number is kept only masked and as a keyed hash; ID
numbers leave the API masked.
"""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from projects.api import client_of
from projects.api.access import BatchParseErrors, ScopedViewSet
from projects.api.feeds import (
    MAX_BATCH,
    BatchErrorsSerializer,
    DetailSerializer,
    FeedItemSerializer,
    MonthFilter,
    _flatten,
    _resolve_projects,
)
from projects.models import ApiClient
from wagewatch.lib.bounds import BoundedModelSerializer, BoundedSerializer
from wagewatch.lib.cardhash import validate_card_number
from wagewatch.lib.validators import validate_resident_id

from .models import PayLine
from .services import BankLine, BatchErrors, pay_lines_from_bank

STATUSES = {"成功": PayLine.BankStatus.OK, "失败": PayLine.BankStatus.FAILED}
STATUSES.update({str(s): s for s in (PayLine.BankStatus.OK, PayLine.BankStatus.FAILED)})

# ---------------------------------------------------------------- read side


class PayLineSerializer(BoundedModelSerializer):
    project_code = serializers.CharField(source="project.code", read_only=True)
    worker_name = serializers.CharField(source="entry.worker.name", read_only=True)
    id_number_masked = serializers.CharField(source="entry.worker.masked_id", read_only=True)
    card_matches = serializers.BooleanField(
        read_only=True, allow_null=True, help_text=_("收款卡与花名册登记的工资卡一致（未知为空）")
    )

    class Meta:
        model = PayLine
        fields = [
            "id", "project", "project_code", "entry", "worker_name", "id_number_masked", "month", "days",
            "due", "deductions", "net", "paid_on", "via_account", "card_masked", "card_matches",
            "bank_reference", "bank_status", "bank_reason", "signed", "source", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class PayLineFilter(MonthFilter):
    class Meta:
        model = PayLine
        fields = ["project", "month", "bank_status", "source", "bank_reference"]


# ---------------------------------------------------------------- write side


class PayLineItemSerializer(FeedItemSerializer):
    """One worker's line of a bank's payroll batch."""

    bounds_model = PayLine

    bank_reference = serializers.CharField(max_length=64, help_text=_("银行流水号（每条明细一个）"))
    id_number = serializers.CharField(max_length=30, help_text=_("工人公民身份号码"))
    name = serializers.CharField(
        required=False, allow_blank=True, max_length=50, help_text=_("户名（填写时须与花名册姓名一致）")
    )
    card_number = serializers.CharField(max_length=40, help_text=_("收款卡号（只保存脱敏号码和密钥哈希）"))
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal(0), source="net", help_text=_("实发金额（元）")
    )
    paid_on = serializers.DateField(help_text=_("发放日期"))
    status = serializers.CharField(max_length=10, help_text=_("银行处理结果：成功 或 失败（ok / failed）"))
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200, source="bank_reason",
        help_text=_("失败原因（失败时必填）"),
    )  # fmt: skip
    via_account = serializers.BooleanField(default=True, help_text=_("通过工资专用账户代发"))
    due = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal(0), required=False, help_text=_("应发工资（元）")
    )
    deductions = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal(0), required=False, help_text=_("扣款（元）")
    )

    def validate_id_number(self, value: str) -> str:
        try:
            return validate_resident_id(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc

    def validate_card_number(self, value: str) -> str:
        try:
            return validate_card_number(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc

    def validate_status(self, value: str) -> str:
        if value.strip() not in STATUSES:
            raise serializers.ValidationError(_("银行处理结果应为“成功”或“失败”"))
        return STATUSES[value.strip()]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if attrs["status"] == PayLine.BankStatus.FAILED and not attrs.get("bank_reason", "").strip():
            raise serializers.ValidationError({"reason": _("处理结果为失败时须填写失败原因")})
        if attrs["status"] == PayLine.BankStatus.OK:
            attrs["bank_reason"] = ""
        return attrs


class PayLineResultSerializer(BoundedSerializer):
    index = serializers.IntegerField()
    id = serializers.IntegerField()
    project = serializers.IntegerField()
    entry = serializers.IntegerField(help_text=_("花名册记录ID"))
    bank_reference = serializers.CharField()


class PayLineResultsSerializer(BoundedSerializer):
    items = PayLineResultSerializer(many=True)


def _bank_line(item: dict[str, Any]) -> BankLine:
    return BankLine(
        project=item["project"],
        month=item["month"],
        id_number=item["id_number"],
        name=item.get("name", "").strip(),
        card=item["card_number"],
        net=item["net"],
        paid_on=item["paid_on"],
        bank_status=item["status"],
        bank_reason=item.get("bank_reason", "").strip(),
        via_account=item["via_account"],
        bank_reference=item["bank_reference"],
        due=item.get("due"),
        deductions=item.get("deductions"),
    )


@extend_schema_view(
    list=extend_schema(summary=_("工资明细列表")),
    retrieve=extend_schema(summary=_("工资明细详情")),
    create=extend_schema(
        summary=_("批量报送银行代发明细"),
        description=_(
            "请求体为明细数组，每条为一名工人一个月的代发结果，整批校验、整批保存：任一条目有误则整批不保存，"
            "返回400并按条目序号和字段列出全部错误。工人以公民身份号码识别，须在该项目当月花名册中；"
            "每条明细带银行流水号，重复报送只保存一次（首次201，重复200）。失败的明细可用新流水号重新报送，"
            "或以原流水号报送成功，均更新原明细。"
        ),
        request=PayLineItemSerializer(many=True),
        responses={
            201: PayLineResultsSerializer,
            200: PayLineResultsSerializer,
            400: BatchErrorsSerializer,
            403: DetailSerializer,
            409: DetailSerializer,
        },
    ),
)
class PayLineViewSet(BatchParseErrors, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Per-worker pay lines: listed in the caller's scope; POST a bank's batch (a JSON array)."""

    serializer_class = PayLineSerializer
    client_kinds = (ApiClient.Kind.BANK, ApiClient.Kind.PLATFORM)
    parser_classes = [JSONParser]
    base_queryset = PayLine.objects.select_related("project", "entry__worker").order_by(
        "-month", "project", "id"
    )
    filterset_class = PayLineFilter

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        assert request.user.is_authenticated  # ApiAccess lets in signed-in callers only
        lines, errors = self._validate(request)
        if lines is None:
            return Response({"errors": errors}, status=400)
        for _attempt in range(2):  # a concurrent twin committing first makes the retry a replay
            try:
                with transaction.atomic():
                    results, written = pay_lines_from_bank(
                        lines=lines, client=client_of(request.user), user=request.user
                    )
                break
            except BatchErrors as exc:
                found = sorted(errors + exc.errors, key=lambda e: (e["index"] is not None, e["index"] or 0))
                return Response({"errors": found}, status=400)
            except IntegrityError:
                continue
        else:
            return Response({"detail": _("并发提交冲突，请重试")}, status=409)
        return Response({"items": results}, status=201 if written else 200)

    def _validate(self, request: Request) -> tuple[list[BankLine | None] | None, list[dict]]:
        """(a BankLine per item — None for a refused one — and the errors so far); (None, errors) for a
        body that is not a batch at all."""
        data = request.data
        if not isinstance(data, list) or not data or len(data) > MAX_BATCH:
            message = _("请求体应为1至%(n)d个条目的数组") % {"n": MAX_BATCH}
            return None, [{"index": None, "field": "non_field_errors", "message": str(message)}]
        errors: list[dict] = []
        items: list[Any] = []  # an item's validated data, or None for a refused one
        for index, raw in enumerate(data):
            ser = PayLineItemSerializer(data=raw)
            valid = ser.is_valid()
            errors += [] if valid else _flatten(index, ser.errors)
            items.append(ser.validated_data if valid else None)
        positions = [n for n, item in enumerate(items) if item is not None]
        projects, project_errors = _resolve_projects([items[n] for n in positions], request.user)
        errors += [{**e, "index": positions[e["index"]]} for e in project_errors]
        for n, project in zip(positions, projects, strict=True):
            items[n] = {**items[n], "project": project} if project is not None else None
        errors += self._duplicate_references(items)
        refused = {e["index"] for e in errors}
        return [
            None if item is None or n in refused else _bank_line(item) for n, item in enumerate(items)
        ], errors

    @staticmethod
    def _duplicate_references(items: list[Any]) -> list[dict]:
        errors: list[dict] = []
        seen = set()
        for index, item in enumerate(items):
            ref = item and item["bank_reference"]
            if ref and ref in seen:
                message = str(_("同一批次中银行流水号重复"))
                errors.append({"index": index, "field": "bank_reference", "message": message})
            seen.add(ref)
        return errors


def register(router: BaseRouter) -> None:
    """Put the pay-line endpoints on the /api/v1/ router."""
    router.register("pay-lines", PayLineViewSet, basename="payline")
